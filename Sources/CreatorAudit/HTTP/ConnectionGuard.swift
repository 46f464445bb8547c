// What Hummingbird's HTTP/1 channel leaves to us, at the connection level (README, "Reliability"):
// - a deadline for a complete request head (`requestHeadTimeout`, 10 s): from the connection's start (so a slow
//   TLS handshake counts) and from the first byte of every later request on a keep-alive connection. The idle
//   timeout alone counts only whole HTTP parts, so a client sending one header byte at a time held a connection
//   for a minute;
// - a cap on open connections per client address (`maxConnectionsPerAddress`; trusted proxies are exempt);
// - draining on shutdown: once the server is asked to stop, every response still being written carries
//   `Connection: close` (Hummingbird then closes the connection after it), so a keep-alive client learns the
//   connection is going away from the response instead of from a reset;
// - the HTTP parser's refusals (a request line or header over the parser's limit, a control byte in a header)
//   as RFC 9457 problem documents rather than a bare 400 — when no response is in progress on the connection.
//
// Two handlers share one `RequestHeadClock` per connection: `HeadBytesWatcher` sits before the HTTP decoder (it
// sees the first raw byte of a request), `ConnectionGuardHandler` right after it (it sees parsed heads, the
// responses going out, parser errors and the shutdown event).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The settings this file enforces (see ServerSettings).
public struct ConnectionLimits: Sendable {
    public var requestHeadTimeout: TimeAmount = .seconds(10)
    /// 0: no cap.
    public var maxConnectionsPerAddress: Int = 128
    /// Addresses the cap does not apply to (a TLS-terminating proxy carries every client's connections).
    public var exempt: [CIDR] = []

    public init() {}
}

/// Open connections per client address, across the whole server.
final class ConnectionCounter: Sendable {
    private let counts = NIOLockedValueBox([String: Int]())

    /// Counts a connection from `address`; false (and not counted) when that would exceed `limit`.
    func acquire(_ address: String, limit: Int) -> Bool {
        counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            guard current < limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLockedValue { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    func count(_ address: String) -> Int { counts.withLockedValue { $0[address, default: 0] } }
}

/// Hummingbird's HTTP/1 channel with the guards above (wrap it in `.tls(…)` as usual).
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let limits: ConnectionLimits
    let counter: ConnectionCounter

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        admit(channel, logger: logger)
        let timeout = limits.requestHeadTimeout
        return channel.eventLoop.makeCompletedFuture {
            // Both handlers are added on the channel's event loop and only ever used there.
            let clock = NIOLoopBound(RequestHeadClock(timeout: timeout), eventLoop: channel.eventLoop)
            try channel.pipeline.syncOperations.addHandler(HeadBytesWatcher(clock: clock.value))
            return clock
        }.flatMap { clock in
            base.setup(channel: channel, logger: logger).flatMapThrowing { value in
                let pipeline = channel.pipeline.syncOperations
                let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                try pipeline.addHandler(ConnectionGuardHandler(clock: clock.value), position: .after(decoder))
                return value
            }
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// Counts the connection against its address; one over the cap is closed at once.
    private func admit(_ channel: any Channel, logger: Logger) {
        guard limits.maxConnectionsPerAddress > 0, let address = channel.remoteAddress?.ipAddress,
              !limits.exempt.contains(where: { $0.contains(address) })
        else { return }
        if counter.acquire(address, limit: limits.maxConnectionsPerAddress) {
            channel.closeFuture.whenComplete { _ in counter.release(address) }
        } else {
            logger.warning("connection refused: too many open connections from one address",
                           metadata: ["client": .string(address)])
            channel.eventLoop.execute { channel.close(mode: .all, promise: nil) }
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the connection guards of ConnectionGuard.swift.
    static func guardedHTTP1(
        configuration: HTTP1Channel.Configuration, limits: ConnectionLimits, counter: ConnectionCounter
    ) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration),
                                limits: limits, counter: counter)
        }
    }
}

/// The per-connection state both handlers share (event-loop confined, like the handlers).
final class RequestHeadClock {
    let timeout: TimeAmount
    /// Requests whose head was read and whose response has not ended.
    var inFlight = 0
    /// A head is being read: bytes arrived (or the connection opened) and no complete head yet.
    var readingHead = true
    /// Bytes of the current head before its first line feed, and whether that line feed was seen (then the
    /// count is the request line's length).
    var requestLineBytes = 0
    var requestLineEnded = false

    /// Whether an over-long head is an over-long request line (ours is 8 KiB: RequestHygieneMiddleware).
    var requestLineTooLong: Bool { !requestLineEnded || requestLineBytes > RequestHygieneMiddleware.maximumRequestLine }
    var timer: Scheduled<Void>?
    var draining = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(mode: .all, promise: nil) }
    }

    func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Before the HTTP decoder: notices the first byte of a request head and starts the deadline.
final class HeadBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let clock: RequestHeadClock

    init(clock: RequestHeadClock) { self.clock = clock }

    func handlerAdded(context: ChannelHandlerContext) {
        // The first head's deadline runs from the connection's start (the TLS handshake included).
        clock.arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) { clock.disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        clock.disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !clock.readingHead, clock.inFlight == 0, buffer.readableBytes > 0 {
            clock.readingHead = true
            clock.requestLineBytes = 0
            clock.requestLineEnded = false
            clock.arm(context)
        }
        if clock.readingHead, !clock.requestLineEnded {
            if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                clock.requestLineBytes += newline - buffer.readerIndex
                clock.requestLineEnded = true
            } else {
                clock.requestLineBytes += buffer.readableBytes
            }
        }
        context.fireChannelRead(data)
    }
}

/// After the HTTP decoder (NIOHTTP1 parts in both directions).
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let clock: RequestHeadClock

    init(clock: RequestHeadClock) { self.clock = clock }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            clock.inFlight += 1
            clock.readingHead = false
            clock.disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where clock.draining:
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            clock.inFlight = max(0, clock.inFlight - 1)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { clock.draining = true }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, clock.inFlight == 0 else {
            context.fireErrorCaught(error)
            return
        }
        clock.disarm()
        let problem = Self.problem(for: parserError, requestLineTooLong: clock.requestLineTooLong)
        let requestID = UUID().uuidString.lowercased()
        let body = ProblemMiddleware.problemBody(
            problem, instance: "urn:creatoraudit:request:" + requestID, requestID: requestID)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/problem+json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        headers.add(name: "strict-transport-security", value: "max-age=63072000")
        headers.add(name: "x-content-type-options", value: "nosniff")
        headers.add(name: "x-request-id", value: requestID)
        let status = HTTPResponseStatus(statusCode: Int(problem.code.status.code))
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The problem for a request the parser refused. Its limits (80 KiB) are far above ours (RequestHygieneMiddleware
    /// answers 414/431 from 8/16 KiB), so an overflow with a request line over 8 KiB is an over-long URL.
    static func problem(for error: HTTPParserError, requestLineTooLong: Bool) -> APIError {
        switch error {
        case .headerOverflow where requestLineTooLong:
            return APIError(.uriTooLong, "The request line is longer than 8 KiB.")
        case .headerOverflow:
            return APIError(.headersTooLarge, "The request headers are larger than 16 KiB.")
        default:
            return APIError(
                .badRequest, "The request is not valid HTTP/1.1 (for example, a control character in a header).")
        }
    }
}
