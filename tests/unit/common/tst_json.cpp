// core/common's JSON reader (simdjson underneath): values as the rest of lbscope reads them (objects
// with sorted keys, exact 64-bit integers from the number's text, unescaped strings), and bad input
// refused with the byte where it went wrong, never a crash or a partial value. Bytes that are not
// UTF-8 read as U+FFFD, as lbscope writes them. The writer escapes a key or string value with any
// byte that needs it, wherever it sits (its fast path checks eight bytes at a time).
#include "core/common/json.h"

#include <QTest>

#include <string>

class TestJson : public QObject {
    Q_OBJECT
private slots:
    void valid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("path"); // "key", "key.0", ... down to the value checked
        QTest::addColumn<QByteArray>(
            "expected"); // toString() of it, or "null"/"true"/"false"/"object:N"/"array:N"
        QTest::newRow("object") << QByteArray("{\"b\": 1, \"a\": \"x\"}") << QByteArray("a")
                                << QByteArray("x");
        QTest::newRow("nested array")
            << QByteArray("{\"files\": [{\"name\": \"cap.pcap0\"}, {\"name\": \"cap.pcap1\"}]}")
            << QByteArray("files.1.name") << QByteArray("cap.pcap1");
        QTest::newRow("int64 max exact") << QByteArray("{\"n\": 9223372036854775807}") << QByteArray("n")
                                         << QByteArray("9223372036854775807");
        QTest::newRow("number text kept")
            << QByteArray("[-1.50e3 ]") << QByteArray("0") << QByteArray("-1.50e3");
        QTest::newRow("escapes and unicode")
            << QByteArray("{\"s\": \"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\"}") << QByteArray("s")
            << QByteArray("a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
        QTest::newRow("scalar document") << QByteArray("  42 ") << QByteArray() << QByteArray("42");
        QTest::newRow("string document") << QByteArray("\"hi\"") << QByteArray() << QByteArray("hi");
        QTest::newRow("true") << QByteArray("{\"t\": true}") << QByteArray("t") << QByteArray("true");
        QTest::newRow("null") << QByteArray("{\"t\": null}") << QByteArray("t") << QByteArray("null");
        QTest::newRow("empty object") << QByteArray("{}") << QByteArray() << QByteArray("object:0");
        QTest::newRow("array size") << QByteArray("[1, [2, 3], {}]") << QByteArray() << QByteArray("array:3");
        QTest::newRow("invalid UTF-8 read as U+FFFD")
            << QByteArray("{\"a\": \"x\xff\"}") << QByteArray("a") << QByteArray("x\xef\xbf\xbd");
        QTest::newRow("depth 200") << QByteArray(200, '[') + QByteArray(200, ']') << QByteArray()
                                   << QByteArray("array:1");
    }

    void valid()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, expected);
        auto doc = lbs::parseJson(std::string_view(text.constData(), size_t(text.size())));
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
        const lbs::JsonValue *v = &*doc;
        for (const QByteArray &part : path.split('.')) {
            if (part.isEmpty())
                continue;
            bool isIndex = false;
            const int index = part.toInt(&isIndex);
            v = isIndex && v->isArray() ? &(*v)[size_t(index)] : &(*v)[part.toStdString()];
        }
        std::string got;
        if (v->isNull())
            got = "null";
        else if (v->isBool())
            got = v->toBool() ? "true" : "false";
        else if (v->isObject())
            got = "object:" + std::to_string(v->size());
        else if (v->isArray())
            got = "array:" + std::to_string(v->size());
        else
            got = v->toString();
        QCOMPARE(QByteArray::fromStdString(got), expected);
        if (QTest::currentDataTag() == QByteArrayLiteral("int64 max exact"))
            QCOMPARE(v->toInt(), std::numeric_limits<int64_t>::max());
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("empty") << QByteArray() << QByteArray("invalid JSON at byte");
        QTest::newRow("truncated object")
            << QByteArray("{\"files\": [{\"name\": \"a\"") << QByteArray("invalid JSON at byte");
        QTest::newRow("trailing content")
            << QByteArray("{\"a\": 1} {\"b\": 2}") << QByteArray("unexpected data after");
        QTest::newRow("missing comma")
            << QByteArray("{\"a\": 1 \"b\": 2}") << QByteArray("invalid JSON at byte");
        QTest::newRow("bad literal") << QByteArray("{\"a\": tru}") << QByteArray("invalid JSON at byte");
        QTest::newRow("deeper than 256")
            << QByteArray(300, '[') + QByteArray(300, ']') << QByteArray("invalid JSON");
        QTest::newRow("lone surrogate")
            << QByteArray("{\"a\": \"\\ud800\"}") << QByteArray("invalid JSON at byte");
        QTest::newRow("not JSON") << QByteArray("files: [cap.pcap0]\n") << QByteArray("invalid JSON at byte");
    }

    void invalid()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, says);
        auto doc = lbs::parseJson(std::string_view(text.constData(), size_t(text.size())));
        QVERIFY(!doc.ok());
        QVERIFY2(
            doc.error().message.find(says.toStdString()) != std::string::npos, doc.error().message.c_str());
        QCOMPARE(int(doc.error().kind), int(lbs::ErrorKind::BadInput));
    }

    void writerEscapes_data()
    {
        QTest::addColumn<int>("length");
        for (int n : {1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 31, 40})
            QTest::addRow("%d bytes", n) << n;
    }
    void writerEscapes()
    {
        QFETCH(int, length);
        // Every byte value at every position of a plain key and value: the text is what the
        // escaping routine makes of it.
        for (int pos = 0; pos < length; ++pos) {
            for (int b = 0; b < 256; ++b) {
                std::string text(size_t(length), 'k');
                text[size_t(pos)] = static_cast<char>(b);
                lbs::JsonWriter w;
                w.beginObject().key(text).value(std::string_view(text)).endObject();
                std::string expected = "{";
                lbs::appendJsonString(expected, text);
                expected += ":";
                lbs::appendJsonString(expected, text);
                expected += "}";
                QVERIFY2(w.str() == expected, qPrintable(QStringLiteral("byte %1 at %2").arg(b).arg(pos)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
