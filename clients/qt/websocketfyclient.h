// WebsocketfyClient: the websocketfy.v2 subprotocol (docs/protocol.md) for Qt 5 applications such as
// WebHigiia, over one QWebSocket. Requests get ids and run concurrently; each ends with exactly one
// of its result signals or failed(). A download that loses its connection resumes from the last byte
// received on a new connection (setMaxResumes, default 3); SHA-256 is checked with QCryptographicHash.
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QStringList>
#include <QUrl>
#include <QWebSocket>
#include <memory>

class WebsocketfyClient : public QObject
{
    Q_OBJECT
public:
    explicit WebsocketfyClient(QObject *parent = nullptr);
    ~WebsocketfyClient() override;

    /// Connects (ws:// or wss://; a token as ?access_token=... or setRequestHeader). Emits
    /// connected() or failed(0, "connect_failed" | "not_v2", ...).
    void open(const QUrl &url);
    /// Sent with every (re)connection, e.g. "Authorization", "Bearer ...".
    void setRequestHeader(const QByteArray &name, const QByteArray &value);
    void setMaxResumes(int resumes) { m_maxResumes = resumes; }
    /// Requests beyond this wait in the client (the daemon's v2-max-in-flight, default 16).
    void setMaxInFlight(int requests) { m_maxInFlight = requests; }

    /// Each returns the request id its signals carry.
    int sql(const QString &text);
    int get(const QString &path, qint64 offset = 0, qint64 length = -1, bool sha256 = false);
    int stat(const QString &path, bool sha256 = false);
    /// The request ends with failed(id, "cancelled", ...).
    void cancel(int id);
    /// Closes; requests in flight end with failed(id, "closed", ...).
    void close();

    bool isConnected() const { return m_socketOpen; }
    int inFlight() const { return m_pending.size() + m_queue.size(); }

signals:
    void connected();
    /// columns/rows only when structured (the daemon could split the text with certainty).
    void sqlFinished(int id, const QString &text, bool structured, const QStringList &columns, const QList<QStringList> &rows);
    void statFinished(int id, qint64 size, const QDateTime &mtime, const QString &sha256);
    /// received of total bytes of the requested range.
    void progress(int id, qint64 received, qint64 total);
    void downloadFinished(int id, const QByteArray &data);
    /// code: the daemon's error code (PROTOCOL-V2.md) or "connection_lost", "closed", "connect_failed",
    /// "not_v2", "sha256_mismatch", "changed", "protocol". id 0: the connection itself.
    void failed(int id, const QString &code, const QString &message);
    /// The connection is gone for good (no download left to resume).
    void disconnected();

private:
    struct Transfer
    {
        QString path;
        qint64 offset = 0;
        qint64 length = -1;
        bool sha256 = false;
        bool started = false;
        qint64 total = 0;
        qint64 size = 0;
        QString mtime;
        QByteArray data;
        qint64 segmentStart = 0;
        std::unique_ptr<QCryptographicHash> segmentHash;
        int resumesLeft = 0;
    };
    struct Request
    {
        int id = 0;
        QJsonObject message;
        std::shared_ptr<Transfer> transfer;
    };

    int submit(QJsonObject message, std::shared_ptr<Transfer> transfer = nullptr);
    int takeId();
    void pump();
    void start(const Request &request);
    void send(const QJsonObject &message);
    QJsonObject getMessage(Transfer &transfer);
    void finish(int id);
    void failRequest(int id, const QString &code, const QString &message);

    void onConnected();
    void onDisconnected();
    void onText(const QString &text);
    void onBinary(const QByteArray &data);
    void onStart(Request &request, const QJsonObject &start);
    void onDone(Request &request, const QJsonObject &done);
    void protocolError(const QString &why);
    void newSocket();

    std::unique_ptr<QWebSocket> m_socket;
    QUrl m_url;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QHash<int, Request> m_pending;
    QQueue<Request> m_queue;
    int m_nextId = 1;
    int m_maxResumes = 3;
    int m_maxInFlight = 16;
    bool m_socketOpen = false;
    bool m_everOpen = false;
    bool m_closedByUser = false;
    bool m_reconnecting = false;
    bool m_socketEnded = false; // this socket's end was handled (error and disconnected may both come)
};
