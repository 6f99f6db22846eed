#include "websocketfyclient.h"

#include <QJsonArray>
#include <algorithm>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QtEndian>

namespace {

const char kSubprotocol[] = "websocketfy.v2";
const int kMaxId = 2147483647;
const int kPrefixBytes = 12;

} // namespace

WebsocketfyClient::WebsocketfyClient(QObject *parent) : QObject(parent) {}

WebsocketfyClient::~WebsocketfyClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void WebsocketfyClient::setRequestHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

void WebsocketfyClient::open(const QUrl &url)
{
    m_url = url;
    m_closedByUser = false;
    newSocket();
}

void WebsocketfyClient::newSocket()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket.release()->deleteLater();
    }
    m_socket = std::make_unique<QWebSocket>();
    m_socketOpen = false;
    connect(m_socket.get(), &QWebSocket::connected, this, &WebsocketfyClient::onConnected);
    m_socketEnded = false;
    connect(m_socket.get(), &QWebSocket::disconnected, this, &WebsocketfyClient::onDisconnected);
    // A connection that never opened may report only an error.
    connect(m_socket.get(), QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this, [this] {
        if (!m_socketOpen) onDisconnected();
    });
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &WebsocketfyClient::onText);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &WebsocketfyClient::onBinary);
    QNetworkRequest request(m_url);
    // Qt 5's QWebSocket has no subprotocol API: the header goes out as a raw one.
    request.setRawHeader("Sec-WebSocket-Protocol", kSubprotocol);
    for (const auto &header : m_headers) request.setRawHeader(header.first, header.second);
    m_socket->open(request);
}

// ---- requests ------------------------------------------------------------------------------------

int WebsocketfyClient::sql(const QString &text)
{
    return submit({{"op", "sql"}, {"sql", text}});
}

int WebsocketfyClient::stat(const QString &path, bool sha256)
{
    return submit({{"op", "stat"}, {"path", path}, {"sha256", sha256}});
}

int WebsocketfyClient::get(const QString &path, qint64 offset, qint64 length, bool sha256)
{
    auto transfer = std::make_shared<Transfer>();
    transfer->path = path;
    transfer->offset = offset;
    transfer->length = length;
    transfer->sha256 = sha256;
    transfer->resumesLeft = m_maxResumes;
    return submit(getMessage(*transfer), transfer);
}

void WebsocketfyClient::cancel(int id)
{
    for (int i = 0; i < m_queue.size(); ++i) {
        if (m_queue[i].id == id) {
            m_queue.removeAt(i);
            emit failed(id, QStringLiteral("cancelled"), QStringLiteral("cancelled before it was sent"));
            return;
        }
    }
    if (!m_pending.contains(id)) return;
    if (!m_socketOpen) {
        failRequest(id, QStringLiteral("cancelled"), QStringLiteral("cancelled while reconnecting"));
        return;
    }
    // Sent at once: a cancel never waits behind what it cancels. Its own ok needs no signal.
    Request request;
    request.id = takeId();
    request.message = {{"op", "cancel"}, {"target", id}};
    start(request);
}

void WebsocketfyClient::close()
{
    m_closedByUser = true;
    const QList<int> ids = m_pending.keys();
    for (int id : ids) failRequest(id, QStringLiteral("closed"), QStringLiteral("the client closed the connection"));
    while (!m_queue.isEmpty()) {
        const int id = m_queue.dequeue().id;
        emit failed(id, QStringLiteral("closed"), QStringLiteral("the client closed the connection"));
    }
    if (m_socket) m_socket->close(QWebSocketProtocol::CloseCodeNormal);
}

int WebsocketfyClient::submit(QJsonObject message, std::shared_ptr<Transfer> transfer)
{
    Request request;
    request.id = takeId();
    request.message = std::move(message);
    request.transfer = std::move(transfer);
    if (m_closedByUser || !m_socket) {
        const int id = request.id;
        // Queued so the caller connects its slots before the signal arrives.
        QMetaObject::invokeMethod(this, [this, id] { emit failed(id, QStringLiteral("closed"), QStringLiteral("the connection is closed")); },
                                  Qt::QueuedConnection);
        return id;
    }
    m_queue.enqueue(request);
    pump();
    return request.id;
}

int WebsocketfyClient::takeId()
{
    const int id = m_nextId;
    m_nextId = id == kMaxId ? 1 : id + 1;
    return id;
}

void WebsocketfyClient::pump()
{
    while (m_socketOpen && !m_queue.isEmpty() && m_pending.size() < m_maxInFlight) start(m_queue.dequeue());
}

void WebsocketfyClient::start(const Request &request)
{
    m_pending.insert(request.id, request);
    QJsonObject message = request.message;
    message.insert(QStringLiteral("id"), request.id);
    send(message);
}

void WebsocketfyClient::send(const QJsonObject &message)
{
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

QJsonObject WebsocketfyClient::getMessage(Transfer &transfer)
{
    const qint64 received = transfer.data.size();
    QJsonObject message{{"op", "get"}, {"path", transfer.path}, {"offset", transfer.offset + received}, {"sha256", transfer.sha256}};
    if (transfer.started) message.insert(QStringLiteral("length"), transfer.total - received);
    else if (transfer.length >= 0) message.insert(QStringLiteral("length"), transfer.length);
    transfer.segmentStart = received;
    transfer.segmentHash.reset(transfer.sha256 ? new QCryptographicHash(QCryptographicHash::Sha256) : nullptr);
    return message;
}

void WebsocketfyClient::finish(int id)
{
    m_pending.remove(id);
    pump();
}

void WebsocketfyClient::failRequest(int id, const QString &code, const QString &message)
{
    finish(id);
    emit failed(id, code, message);
}

// ---- the connection ------------------------------------------------------------------------------

void WebsocketfyClient::onConnected()
{
    m_socketOpen = true;
    m_everOpen = true;
    if (m_reconnecting) {
        m_reconnecting = false;
        // Resumed downloads first, in the order they were asked for.
        QList<Request> resumed;
        for (const Request &request : m_pending) resumed.append(request);
        std::sort(resumed.begin(), resumed.end(), [](const Request &a, const Request &b) { return a.id < b.id; });
        m_pending.clear();
        for (Request &request : resumed) {
            request.transfer->resumesLeft--;
            request.message = getMessage(*request.transfer);
            start(request);
        }
        pump();
        return;
    }
    emit connected();
    pump();
}

void WebsocketfyClient::onDisconnected()
{
    if (m_socketEnded) return;
    m_socketEnded = true;
    const bool wasOpen = m_socketOpen;
    m_socketOpen = false;
    if (m_closedByUser) {
        emit disconnected();
        return;
    }
    if (!wasOpen && !m_reconnecting) {
        if (!m_everOpen) {
            emit failed(0, QStringLiteral("connect_failed"), m_socket->errorString());
            return;
        }
    }
    const QString why = QStringLiteral("connection closed (%1 %2)").arg(m_socket->closeCode()).arg(m_socket->closeReason());
    // Everything but a download that may resume ends here; the downloads stay pending for the new connection.
    const QList<int> ids = m_pending.keys();
    for (int id : ids) {
        const Request &request = m_pending[id];
        if (request.transfer && request.transfer->resumesLeft > 0) continue;
        m_pending.remove(id);
        emit failed(id, m_reconnecting ? QStringLiteral("connect_failed") : QStringLiteral("connection_lost"), why);
    }
    if (m_pending.isEmpty() && m_queue.isEmpty()) {
        m_reconnecting = false;
        emit disconnected();
        return;
    }
    if (m_reconnecting) {
        // The reconnection itself failed: nothing more to try.
        const QList<int> left = m_pending.keys();
        for (int id : left) failRequest(id, QStringLiteral("connect_failed"), m_socket->errorString());
        while (!m_queue.isEmpty()) emit failed(m_queue.dequeue().id, QStringLiteral("connect_failed"), m_socket->errorString());
        m_reconnecting = false;
        emit disconnected();
        return;
    }
    m_reconnecting = true;
    newSocket();
}

void WebsocketfyClient::protocolError(const QString &why)
{
    const QList<int> ids = m_pending.keys();
    for (int id : ids) failRequest(id, QStringLiteral("protocol"), why);
    m_closedByUser = true;
    m_socket->close(QWebSocketProtocol::CloseCodeProtocolError, why);
}

void WebsocketfyClient::onText(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    const QJsonObject message = document.object();
    if (error.error != QJsonParseError::NoError || !document.isObject() || !message.value(QStringLiteral("id")).isDouble()) {
        // Also what a daemon that did not agree to websocketfy.v2 (a classic reply) looks like.
        protocolError(QStringLiteral("a reply that is not a v2 message: ") + text.left(200));
        return;
    }
    const int id = message.value(QStringLiteral("id")).toInt();
    auto found = m_pending.find(id);
    if (found == m_pending.end()) return; // a request already given up on
    Request &request = found.value();
    if (message.contains(QStringLiteral("start"))) {
        if (request.transfer) onStart(request, message.value(QStringLiteral("start")).toObject());
        return;
    }
    if (!message.contains(QStringLiteral("ok"))) return; // a kind this client does not know yet
    if (!message.value(QStringLiteral("ok")).toBool()) {
        const QJsonObject e = message.value(QStringLiteral("error")).toObject();
        failRequest(id, e.value(QStringLiteral("code")).toString(), e.value(QStringLiteral("message")).toString());
        return;
    }
    const QString op = request.message.value(QStringLiteral("op")).toString();
    if (op == QLatin1String("get")) {
        onDone(request, message.value(QStringLiteral("done")).toObject());
    } else if (op == QLatin1String("sql")) {
        QStringList columns;
        QList<QStringList> rows;
        const bool structured = message.contains(QStringLiteral("columns"));
        for (const QJsonValue &c : message.value(QStringLiteral("columns")).toArray()) columns.append(c.toString());
        for (const QJsonValue &r : message.value(QStringLiteral("rows")).toArray()) {
            QStringList row;
            for (const QJsonValue &v : r.toArray()) row.append(v.toString());
            rows.append(row);
        }
        finish(id);
        emit sqlFinished(id, message.value(QStringLiteral("text")).toString(), structured, columns, rows);
    } else if (op == QLatin1String("stat")) {
        const QJsonObject s = message.value(QStringLiteral("stat")).toObject();
        finish(id);
        emit statFinished(id, static_cast<qint64>(s.value(QStringLiteral("size")).toDouble()),
                          QDateTime::fromString(s.value(QStringLiteral("mtime")).toString(), Qt::ISODateWithMs),
                          s.value(QStringLiteral("sha256")).toString());
    } else {
        finish(id); // a cancel's ok
    }
}

void WebsocketfyClient::onStart(Request &request, const QJsonObject &start)
{
    Transfer &t = *request.transfer;
    const qint64 size = static_cast<qint64>(start.value(QStringLiteral("size")).toDouble());
    const qint64 length = static_cast<qint64>(start.value(QStringLiteral("length")).toDouble());
    const QString mtime = start.value(QStringLiteral("mtime")).toString();
    if (!t.started) {
        t.started = true;
        t.size = size;
        t.total = length;
        t.mtime = mtime;
        t.data.reserve(static_cast<int>(length));
        return;
    }
    // A resumed download: it must be the same file the first part came from.
    if (size != t.size || mtime != t.mtime || length != t.total - t.data.size()) {
        const int id = request.id;
        Request cancel;
        cancel.id = takeId();
        cancel.message = {{"op", "cancel"}, {"target", id}};
        this->start(cancel);
        failRequest(id, QStringLiteral("changed"), QStringLiteral("the file changed between the interrupted download and its resume"));
    }
}

void WebsocketfyClient::onBinary(const QByteArray &data)
{
    if (data.size() < kPrefixBytes) {
        protocolError(QStringLiteral("a data message without its prefix"));
        return;
    }
    const int id = static_cast<int>(qFromBigEndian<quint32>(data.constData()));
    const qint64 offset = static_cast<qint64>(qFromBigEndian<quint64>(data.constData() + 4));
    auto found = m_pending.find(id);
    if (found == m_pending.end()) return; // a chunk of a request already given up on
    Transfer *t = found.value().transfer.get();
    const int bodyLength = data.size() - kPrefixBytes;
    if (!t || !t->started || offset != t->offset + t->data.size() || t->data.size() + bodyLength > t->total) {
        protocolError(QStringLiteral("a chunk of request %1 at offset %2 is out of place").arg(id).arg(offset));
        return;
    }
    t->data.append(data.constData() + kPrefixBytes, bodyLength);
    if (t->segmentHash) t->segmentHash->addData(data.constData() + kPrefixBytes, bodyLength);
    emit progress(id, t->data.size(), t->total);
}

void WebsocketfyClient::onDone(Request &request, const QJsonObject &done)
{
    const int id = request.id;
    Transfer &t = *request.transfer;
    const qint64 segment = t.data.size() - t.segmentStart;
    if ((t.started && t.data.size() != t.total) || static_cast<qint64>(done.value(QStringLiteral("bytes")).toDouble()) != segment) {
        failRequest(id, QStringLiteral("protocol"), QStringLiteral("received %1 of %2 bytes").arg(t.data.size()).arg(t.total));
        return;
    }
    if (t.segmentHash) {
        // Each segment (the first download, every resume) is checked against the daemon's hash of it.
        const QString mine = QString::fromLatin1(t.segmentHash->result().toHex());
        const QString theirs = done.value(QStringLiteral("sha256")).toString();
        if (mine != theirs) {
            failRequest(id, QStringLiteral("sha256_mismatch"),
                        QStringLiteral("SHA-256 of bytes %1..%2 is %3, the daemon sent %4")
                            .arg(t.offset + t.segmentStart).arg(t.offset + t.data.size()).arg(mine, theirs));
            return;
        }
    }
    const QByteArray data = t.data;
    finish(id);
    emit downloadFinished(id, data);
}
