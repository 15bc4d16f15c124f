package cn.egov.duty.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The box's TLS socket factory, making every socket inside the box's namespace, bound to the box's
 * LAN address: the MQTT connection then leaves the box as the box's own traffic does, through the
 * backbone tunnel (the LAN is the tunnel's local traffic selector). Paho asks for an unconnected
 * socket and connects it itself.
 */
public final class NamespacedSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final String ns;
    private final String localAddress;

    public NamespacedSocketFactory(SSLSocketFactory delegate, String ns, String localAddress) {
        this.delegate = delegate;
        this.ns = ns;
        this.localAddress = localAddress;
    }

    @Override
    public Socket createSocket() throws IOException {
        try {
            return Netns.in(ns, () -> {
                Socket s = delegate.createSocket();
                s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0)); // makes the socket here, in the box
                return s;
            });
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot make a socket in namespace " + ns + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("connected sockets would be made outside the box namespace");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("connected sockets would be made outside the box namespace");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("connected sockets would be made outside the box namespace");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("connected sockets would be made outside the box namespace");
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
