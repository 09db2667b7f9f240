/// A stable, machine-readable error code. Each module's error type declares its codes as
/// `ErrorCode<ThatError>` constants, so codes of different modules are different types while the
/// representation (a string that never changes between releases) is shared.
public struct ErrorCode<Domain>: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
