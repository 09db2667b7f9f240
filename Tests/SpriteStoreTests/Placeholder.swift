import Testing
@testable import SpriteStore
