import CLibbpf
import CSpriteBPF

extension BPFProgram {
    /// Tells the kernel the protocol user space found for a connection it ships no payload of;
    /// the kernel applies it at the connection's next transfer (if the fd still holds the same
    /// connection) and deletes the entry. A full map only delays tracing of that connection.
    func overrideProtocol(_ o: ProtocolOverride) {
        guard protocolOverrideFD >= 0 else { return }
        var key = UInt64(o.key.tgid) << 32 | UInt64(o.key.fd)
        var value = sprite_protocol_override()
        value.generation = o.key.generation
        value.protocol = UInt16(clamping: o.protocolID)
        _ = bpf_map_update_elem(protocolOverrideFD, &key, &value, UInt64(BPF_ANY))
    }
}
