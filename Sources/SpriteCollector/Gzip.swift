import CLibbpf

/// Inflates gzip (and zlib/deflate) bodies for display with zlib.
enum Gzip {
    /// The inflated bytes, at most `limit` of them, or nil if `data` is not valid compressed data.
    static func inflate(_ data: [UInt8], limit: Int) -> [UInt8]? {
        guard !data.isEmpty else { return nil }
        var stream = z_stream()
        // 15 + 32: zlib or gzip header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = data
        var out = [UInt8](repeating: 0, count: max(1, limit))
        var produced = 0
        let rc: Int32 = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = outp.baseAddress
                stream.avail_out = UInt32(outp.count)
                let r = CLibbpf.inflate(&stream, Z_FINISH)
                produced = outp.count - Int(stream.avail_out)
                return r
            }
        }
        // Z_BUF_ERROR with a full output buffer just means the limit was reached.
        guard rc == Z_STREAM_END || (rc == Z_BUF_ERROR && produced > 0) || (rc == Z_OK && produced > 0) else { return nil }
        return Array(out[0..<produced])
    }
}
