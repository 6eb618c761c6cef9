#pragma once
// One row of the services table: a LoadBalancer service with its endpoint counts and the load
// balancer implementation its own fields point to.

#include "core/kube/kubeobjects.h"

namespace lbs::ui {

struct ServiceRow {
    kube::LoadBalancerService service;
    int readyEndpoints = -1; ///< -1 until counted
    int totalEndpoints = -1;
    QString endpointsError; ///< why they could not be counted
};

/// "IBM keepalived", "MetalLB", "kube-vip", "cloud (<class>)" or "" when the service says nothing.
/// From annotations and loadBalancerClass only; locating the VIP finds out for sure.
QString providerOf(const kube::LoadBalancerService &service);

} // namespace lbs::ui
