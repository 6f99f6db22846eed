// qt-client: drives Websocketfy with Qt's QWebSocket, as the original desktop viewer did.
//
// usage: qt-client URL STEP...
//   binary:COMMAND  send COMMAND (UTF-8) as a binary message, wait for one reply
//   text:COMMAND    send COMMAND as a text message, wait for one reply
//   quit:COMMAND    send COMMAND as a binary message, expect the server to close instead of replying
// After the last step the client closes the connection itself (unless the server did).
//
// One JSON object per line on stdout, for the C# test to assert on:
//   {"reply": "binary"|"text", "length": N, "sha256": HEX, "text": STR}   text only up to 64 KiB
//   {"closed": CODE, "reason": STR, "by": "server"|"client"}               always last
// Exit code 0 when every step got what it waited for; 1 with a line on stderr otherwise.
#include <QAbstractSocket>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <cstdio>

namespace {

const int kTextShownUpTo = 64 * 1024;
const int kWatchdogMs = 120 * 1000;

void emitLine(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void fail(const QString &why)
{
    std::fprintf(stderr, "qt-client: %s\n", why.toUtf8().constData());
    QCoreApplication::exit(1);
}

class Session
{
public:
    Session(const QUrl &url, const QStringList &steps) : url_(url), steps_(steps) {}

    void start()
    {
        QObject::connect(&socket_, &QWebSocket::connected, [this] { next(); });
        // The viewer's way: replies arrive on binaryMessageReceived.
        QObject::connect(&socket_, &QWebSocket::binaryMessageReceived, [this](const QByteArray &message) {
            reply(QStringLiteral("binary"), message);
        });
        QObject::connect(&socket_, &QWebSocket::textMessageReceived, [this](const QString &message) {
            reply(QStringLiteral("text"), message.toUtf8());
        });
        QObject::connect(&socket_, &QWebSocket::disconnected, [this] { disconnected(); });
        QObject::connect(&socket_, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                         [this](QAbstractSocket::SocketError) {
                             if (!closing_ && !expectingClose_) fail(QStringLiteral("socket error: ") + socket_.errorString());
                         });
        socket_.open(url_);
    }

private:
    void next()
    {
        if (step_ == steps_.size()) {
            closing_ = true;
            socket_.close(QWebSocketProtocol::CloseCodeNormal);
            return;
        }
        const QString step = steps_.at(step_++);
        const int colon = step.indexOf(QLatin1Char(':'));
        const QString kind = step.left(colon);
        const QString command = step.mid(colon + 1);
        if (kind == QLatin1String("text")) {
            socket_.sendTextMessage(command);
        } else if (kind == QLatin1String("binary")) {
            socket_.sendBinaryMessage(command.toUtf8());
        } else if (kind == QLatin1String("quit")) {
            expectingClose_ = true;
            socket_.sendBinaryMessage(command.toUtf8());
        } else {
            fail(QStringLiteral("unknown step: ") + step);
        }
    }

    void reply(const QString &kind, const QByteArray &bytes)
    {
        QJsonObject line{
            {QStringLiteral("reply"), kind},
            {QStringLiteral("length"), bytes.size()},
            {QStringLiteral("sha256"), QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())},
        };
        if (bytes.size() <= kTextShownUpTo) line.insert(QStringLiteral("text"), QString::fromUtf8(bytes));
        emitLine(line);
        if (expectingClose_) {
            fail(QStringLiteral("a reply came where the server should have closed"));
            return;
        }
        next();
    }

    void disconnected()
    {
        emitLine(QJsonObject{
            {QStringLiteral("closed"), static_cast<int>(socket_.closeCode())},
            {QStringLiteral("reason"), socket_.closeReason()},
            {QStringLiteral("by"), closing_ ? QStringLiteral("client") : QStringLiteral("server")},
        });
        if (closing_ || (expectingClose_ && step_ == steps_.size())) {
            QCoreApplication::exit(0);
        } else {
            fail(QStringLiteral("the server closed the connection before the steps were done"));
        }
    }

    QUrl url_;
    QStringList steps_;
    QWebSocket socket_;
    int step_ = 0;
    bool closing_ = false;
    bool expectingClose_ = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments();
    if (arguments.size() < 3) {
        std::fprintf(stderr, "usage: qt-client URL STEP...\n");
        return 64;
    }
    Session session(QUrl(arguments.at(1)), arguments.mid(2));
    QTimer::singleShot(kWatchdogMs, [] { fail(QStringLiteral("no progress within the watchdog's time")); });
    QTimer::singleShot(0, [&session] { session.start(); });
    return app.exec();
}
