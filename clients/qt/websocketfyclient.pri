# Include this in a qmake project to build WebsocketfyClient into it (needs QT += websockets).
QT *= core network websockets
INCLUDEPATH += $$PWD
HEADERS += $$PWD/websocketfyclient.h
SOURCES += $$PWD/websocketfyclient.cpp
