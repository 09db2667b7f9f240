import Hummingbird

/// The request context of Sprite's servers (Hummingbird's core context); the one type their
/// routes and middleware (``TokenAuthMiddleware``) are written for.
public struct SpriteRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
