// v2-client-test: drives clients/qt's WebsocketfyClient against a daemon, through its public API only.
//
// usage: v2-client-test SCENARIO URL ARGUMENTS_JSON
//   tour    every call: sql, stat, get (whole, range, errors), a query during a large download,
//           cancel, more requests than the in-flight bound, close
//   resume  one verified download through a relay that cuts the first connection
// Prints one JSON object on stdout with what it saw; the C# test holds every expectation.
// Waits for signals, bounded by a watchdog so a hang ends as a failure, not a stuck test.
#include "websocketfyclient.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTimer>
#include <cstdio>
#include <functional>

namespace {

const int kWatchdogMs = 240 * 1000;

/// Everything a request ended with, by id.
struct Outcomes : QObject
{
    QMap<int, QJsonObject> done;
    QStringList finishedOrder;
    QMap<int, QJsonArray> progress;
    QMap<int, QByteArray> data;
    bool connected = false;

    explicit Outcomes(WebsocketfyClient &client)
    {
        connect(&client, &WebsocketfyClient::connected, this, [this] { connected = true; wake(); });
        connect(&client, &WebsocketfyClient::sqlFinished, this,
                [this](int id, const QString &text, bool structured, const QStringList &columns, const QList<QStringList> &rows) {
                    QJsonArray jsonRows;
                    for (const QStringList &row : rows) jsonRows.append(QJsonArray::fromStringList(row));
                    end(id, {{"text", text}, {"structured", structured}, {"columns", QJsonArray::fromStringList(columns)}, {"rows", jsonRows}}, "sql");
                });
        connect(&client, &WebsocketfyClient::statFinished, this, [this](int id, qint64 size, const QDateTime &mtime, const QString &sha256) {
            end(id, {{"size", size}, {"mtime", mtime.toUTC().toString(Qt::ISODateWithMs)}, {"sha256", sha256}}, "stat");
        });
        connect(&client, &WebsocketfyClient::progress, this, [this](int id, qint64 received, qint64 total) {
            progress[id].append(QJsonObject{{"received", received}, {"total", total}});
            wake();
        });
        connect(&client, &WebsocketfyClient::downloadFinished, this, [this](int id, const QByteArray &bytes) {
            data[id] = bytes;
            end(id, {{"bytes", bytes.size()}, {"sha256", QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())}}, "get");
        });
        connect(&client, &WebsocketfyClient::failed, this, [this](int id, const QString &code, const QString &message) {
            end(id, {{"code", code}, {"message", message}}, "failed");
        });
    }

    void end(int id, const QJsonObject &outcome, const char *kind)
    {
        done[id] = outcome;
        finishedOrder.append(QString::fromLatin1(kind));
        wake();
    }

    /// Runs the event loop until the condition holds; every signal above wakes it to look again.
    void until(const std::function<bool()> &condition)
    {
        while (!condition()) {
            QEventLoop loop;
            m_loop = &loop;
            loop.exec();
            m_loop = nullptr;
        }
    }

    void wake()
    {
        if (m_loop) m_loop->quit();
    }

    QEventLoop *m_loop = nullptr;

    QJsonObject wait(int id)
    {
        until([&] { return done.contains(id); });
        return done.value(id);
    }
};

void print(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QJsonObject tour(WebsocketfyClient &client, Outcomes &seen, const QJsonObject &args)
{
    const QString file = args.value("file").toString(), big = args.value("big").toString(), select = args.value("select").toString();
    QJsonObject report;
    report["select"] = seen.wait(client.sql(select));
    report["ambiguous"] = seen.wait(client.sql(QStringLiteral("SELECT 'x, y' AS v")));
    report["sirenError"] = seen.wait(client.sql(QStringLiteral("FOO BAR")));
    report["stat"] = seen.wait(client.stat(file, true));
    report["statMissing"] = seen.wait(client.stat(QStringLiteral("no/such.dcm")));
    const int whole = client.get(file, 0, -1, true);
    report["whole"] = seen.wait(whole);
    report["wholeProgress"] = seen.progress.value(whole);
    report["range"] = seen.wait(client.get(file, args.value("rangeOffset").toInt(), args.value("rangeLength").toInt(), true));
    report["badRange"] = seen.wait(client.get(file, static_cast<qint64>(args.value("beyond").toDouble())));
    report["missingPath"] = seen.wait(client.get(QString()));

    // A query sent while a large download runs is answered first.
    seen.finishedOrder.clear();
    const int large = client.get(big, 0, -1, true);
    const int during = client.sql(select);
    seen.wait(large);
    seen.wait(during);
    report["concurrent"] = QJsonObject{{"finished", QJsonArray::fromStringList(seen.finishedOrder)}, {"big", seen.done.value(large)}};

    // Cancel once the first chunk arrived.
    const int doomed = client.get(big);
    seen.until([&] { return seen.progress.contains(doomed) || seen.done.contains(doomed); });
    client.cancel(doomed);
    report["cancelled"] = seen.wait(doomed);

    // More requests than the in-flight bound: the client queues the rest, none is refused.
    QList<int> many;
    for (int i = 0; i < args.value("many").toInt(); ++i) many.append(client.stat(file));
    QJsonArray manyOutcomes;
    int fulfilled = 0;
    for (int id : many) {
        const QJsonObject outcome = seen.wait(id);
        if (outcome.contains("size")) ++fulfilled;
        else manyOutcomes.append(outcome.value("code"));
    }
    report["many"] = QJsonObject{{"fulfilled", fulfilled}, {"rejected", manyOutcomes}};

    client.close();
    report["afterClose"] = seen.wait(client.sql(select));
    return report;
}

QJsonObject resume(WebsocketfyClient &client, Outcomes &seen, const QJsonObject &args)
{
    const int id = client.get(args.value("file").toString(), 0, -1, true);
    QJsonObject report = seen.wait(id);
    qint64 last = -1;
    QJsonArray backwards;
    for (const QJsonValue &p : seen.progress.value(id)) {
        const qint64 received = static_cast<qint64>(p.toObject().value("received").toDouble());
        if (received <= last) backwards.append(received);
        last = received;
    }
    report["lastReceived"] = last;
    report["backwards"] = backwards;
    report["afterResume"] = seen.wait(client.sql(args.value("select").toString()));
    client.close();
    return report;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: v2-client-test tour|resume|refused URL ARGUMENTS_JSON\n");
        return 2;
    }
    const QString scenario = QString::fromUtf8(argv[1]);
    const QJsonObject args = QJsonDocument::fromJson(QByteArray(argv[3])).object();
    QTimer::singleShot(kWatchdogMs, [] {
        std::fprintf(stderr, "v2-client-test: watchdog: no end within %d s\n", kWatchdogMs / 1000);
        std::exit(1);
    });

    WebsocketfyClient client;
    Outcomes seen(client);
    client.open(QUrl(QString::fromUtf8(argv[2])));
    seen.until([&] { return seen.connected || seen.done.contains(0); });
    QJsonObject report;
    if (!seen.connected) report = QJsonObject{{"connect", seen.done.value(0)}};
    else if (scenario == QLatin1String("tour")) report = tour(client, seen, args);
    else if (scenario == QLatin1String("resume")) report = resume(client, seen, args);
    else {
        std::fprintf(stderr, "unknown scenario %s\n", argv[1]);
        return 2;
    }
    print(report);
    return 0;
}
