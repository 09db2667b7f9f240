import CZlib

/// zlib compression of column buffers (RFC 1950 streams).
enum Deflate {
    /// `bytes` compressed at a fast level, or `nil` if zlib fails.
    static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
        var bound = Int(compressBound(uLong(bytes.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                var destLen = uLongf(bound)
                let s = compress2(o.baseAddress, &destLen, i.baseAddress, uLong(i.count), level)
                bound = Int(destLen)
                return s
            }
        }
        guard status == Z_OK else { return nil }
        out.removeSubrange(bound...)
        return out
    }

    /// Inflates `bytes`, which must decompress to exactly `size` bytes.
    static func decompress(_ bytes: ArraySlice<UInt8>, size: Int) throws(ClusterError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var produced = uLongf(size)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                uncompress(o.baseAddress, &produced, i.baseAddress, uLong(i.count))
            }
        }
        guard status == Z_OK, Int(produced) == size else {
            throw ClusterError(.transport, "malformed batch stream: a compressed column does not inflate to \(size) bytes (zlib status \(status))")
        }
        return out
    }
}
