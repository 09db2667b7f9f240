import SpriteStore

/// The tables a plan can scan, with their schemas: what binding needs to type-check a plan.
public protocol Catalog: Sendable {
    /// The schema of the table called `name`, or `nil` if there is none.
    func schema(ofTable name: String) -> Schema?
    /// The names of all tables, sorted.
    var tableNames: [String] { get }
}

extension TableStore: Catalog {
    public func schema(ofTable name: String) -> Schema? {
        table(named: name)?.schema
    }
}

/// A fixed set of table schemas, for type-checking without a store.
public struct StaticCatalog: Catalog {
    public let schemas: [String: Schema]

    public init(_ schemas: [Schema]) {
        var m: [String: Schema] = [:]
        for s in schemas { m[s.name] = s }
        self.schemas = m
    }

    /// The canonical tables of ``Schemas/all``.
    public static let canonical = StaticCatalog(Schemas.all)

    public func schema(ofTable name: String) -> Schema? { schemas[name] }
    public var tableNames: [String] { schemas.keys.sorted() }
}
