// A local stand-in for the Instagram Graph API and the TikTok Research API on one HTTP port, for the tests,
// the collector benchmark, and operators trying a source configuration without platform credentials
// (docs/collection.md, "Platform doubles"). Point CREATORAUDIT_INSTAGRAM_BASE_URL and
// CREATORAUDIT_TIKTOK_BASE_URL at it. Tests script it in-process through `world`; a separate process is
// scripted over `/_doubles/v1/…` (see `ControlRoutes`).
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

public struct PlatformDoublesServer: Sendable {
    public let world: DoubleWorld
    /// Added to every answer (a platform is never instant; the collector benchmark uses 50 ms).
    public let latencyMilliseconds: Int

    public init(world: DoubleWorld, latencyMilliseconds: Int = 0) {
        self.world = world
        self.latencyMilliseconds = latencyMilliseconds
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let latency = latencyMilliseconds
        if latency > 0 {
            router.add(middleware: LatencyMiddleware(milliseconds: latency))
        }
        let instagram = InstagramDouble(world: world)
        let tiktok = TikTokDouble(world: world)
        router.get("/:version/:userID") { request, context -> Response in
            await instagram.answer(
                request, version: context.parameters.get("version") ?? "",
                userID: context.parameters.get("userID") ?? "")
        }
        router.post("/v2/oauth/token") { request, _ -> Response in await tiktok.token(request) }
        router.post("/v2/research/user/info") { request, _ -> Response in await tiktok.userInfo(request) }
        router.post("/v2/research/video/query") { request, _ -> Response in await tiktok.videoQuery(request) }
        ControlRoutes(world: world).add(to: router)
        return router
    }

    /// Runs until cancelled (or SIGTERM / SIGINT when `handleSignals`); `onRunning` gets the bound port.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, logger: Logger, handleSignals: Bool = false,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "platform-doubles"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }

    /// Runs the doubles on a free loopback port for the duration of `body`, which gets the base URL.
    public func withRunning<T: Sendable>(
        logger: Logger = Logger(label: "platform-doubles", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "platform-doubles"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await group.triggerGracefulShutdown()
                throw DoublesError("the platform doubles did not start")
            }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}

public struct DoublesError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Every answer waits this long first (on the event loop's timer, not a thread).
struct LatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let milliseconds: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if !request.uri.path.hasPrefix("/_doubles/") { try await Task.sleep(for: .milliseconds(milliseconds)) }
        return try await next(request, context)
    }
}
