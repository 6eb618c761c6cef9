#pragma once
// kubesim: turns the lab model into the objects a real IBM classic cluster serves (nodes with IBM labels,
// namespaces incl. PodSecurity-labelled ones, the keepalived pods, LoadBalancer services with status,
// endpoint slices) and keeps the store in step with lab.json across reloads.

#include "labmodel.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QSet>

namespace kubesim {

class ObjectStore;

class LabObjects {
public:
    /// Namespace that enforces PodSecurity "restricted" (and one for "baseline"), for rejection tests.
    static constexpr const char *RestrictedNamespace = "psa-restricted";
    static constexpr const char *BaselineNamespace = "psa-baseline";

    /// Every object derived from the model, as (resource, object) pairs.
    static QList<QPair<QString, QJsonObject>> build(const LabModel &model);
    /// Upserts the objects and removes lab-owned objects that are no longer in the model.
    void sync(const LabModel &model, ObjectStore &store);

    static QJsonObject nodeObject(const LabNode &node, int index, const QString &clusterName);
    static QJsonObject podObject(const LabPod &pod, const LabModel &model);
    static QJsonObject serviceObject(const LabService &svc);
    static QJsonObject endpointSliceObject(const LabService &svc, const LabModel &model);

private:
    QSet<QString> m_owned; // "resource|ns|name" of objects that came from lab.json
};

} // namespace kubesim
