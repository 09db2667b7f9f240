#if canImport(Glibc)
import Glibc
#endif

/// Text forms of the addresses the kernel reports.
enum IPAddress {
    /// `family` is AF_INET (2) or AF_INET6 (10); `bytes` holds 16 bytes, IPv4 in the first 4.
    /// IPv4-mapped IPv6 addresses print in dotted IPv4 form.
    static func format(family: Int, bytes: [UInt8]) -> String {
        guard bytes.count >= 16 else { return "-" }
        if family == 2 { return "\(bytes[0]).\(bytes[1]).\(bytes[2]).\(bytes[3])" }
        if family == 10 {
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])"
            }
            var out = [CChar](repeating: 0, count: 64)
            let ok = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &out, 64) } != nil
            return ok ? String(cString: out) : "-"
        }
        return "-"
    }
}
