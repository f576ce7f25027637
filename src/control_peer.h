/*
 * control_peer - who may use the control socket.  The socket's mode
 * (listen.control_mode) is the first gate; this is the second, for a mode
 * opened wider than 0600 by mistake or a group that holds more users than
 * intended: only root and the daemon's own user may ask, whatever the mode.
 */
#ifndef MXD_CONTROL_PEER_H
#define MXD_CONTROL_PEER_H

/* 1 when the peer of the accepted unix socket fd runs as uid 0 or as the
 * daemon's effective uid; 0 otherwise (logged once per uid a minute), and
 * when its credentials cannot be read.  Unix sockets only: on a TCP socket
 * Linux reports the overflow uid, so control on inet: (loopback addresses
 * only, the config says) is not checked here. */
int control_peer_allowed(int fd);
#endif
