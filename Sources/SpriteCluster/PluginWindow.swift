/// The window of a scheduled export run, as the script sees it: `px.plugin.start_time` and
/// `px.plugin.end_time`, ns since the epoch, both inclusive (a run of `[a, b)` is `a ... b - 1`).
///
/// On the wire (query and fragment requests) it is two optional fields, `plugin_start_time` and
/// `plugin_end_time`, given together or not at all.
public struct PluginWindow: Sendable, Hashable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Reads the two fields of a request; both or neither must be present.
    static func decode<K: CodingKey>(from c: KeyedDecodingContainer<K>, start: K, end: K) throws -> PluginWindow? {
        let s = try c.decodeIfPresent(Int64.self, forKey: start), e = try c.decodeIfPresent(Int64.self, forKey: end)
        switch (s, e) {
        case (nil, nil): return nil
        case (let s?, let e?):
            guard s <= e else {
                throw DecodingError.dataCorruptedError(forKey: end, in: c, debugDescription: "plugin_end_time is before plugin_start_time")
            }
            return PluginWindow(start: s, end: e)
        default:
            throw DecodingError.dataCorruptedError(forKey: s == nil ? start : end, in: c,
                                                   debugDescription: "plugin_start_time and plugin_end_time go together")
        }
    }
}
