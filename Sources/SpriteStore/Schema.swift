/// The ordered columns of a table or record batch.
public struct Schema: Sendable, Hashable, Codable {
    /// The table's name, e.g. `http_events`. Empty for intermediate results.
    public var name: String
    /// The columns, in order.
    public var fields: [Field]

    public init(name: String = "", fields: [Field]) {
        self.name = name
        self.fields = fields
    }

    /// The number of columns.
    public var count: Int { fields.count }

    /// The position of the column called `name`, if there is one.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The position of the `time_` column, if the schema has one of type `TIME64NS`.
    public var timeColumnIndex: Int? {
        fields.firstIndex { $0.name == "time_" && $0.type == .time64ns }
    }
}
