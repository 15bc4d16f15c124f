package cn.egov.manager.broker;

/**
 * An MQTT packet the broker refused for its size ({@code broker.max-packet-bytes}) without reading
 * it, and closed the connection of: on which listener (its security domain), from where, and the
 * decoder's words (the packet's announced length).
 */
public record OversizePacket(String listener, String remote, String detail) {
}
