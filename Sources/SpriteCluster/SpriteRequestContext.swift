import Hummingbird
import NIOCore

/// The request context of Sprite's servers: Hummingbird's core context plus the connection, so
/// that a query can be cancelled when its client goes away.
public struct SpriteRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
