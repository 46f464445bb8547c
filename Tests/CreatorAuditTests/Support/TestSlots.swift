// Swift Testing starts every test at once. Each test database (a SQLite file, or a PostgreSQL schema with its
// own connection pool) takes a slot, so a full run on a small, shared machine neither exhausts the shared
// PostgreSQL server's connections nor starves the timing-sensitive tests of CPU.
import NIOConcurrencyHelpers

final class TestSlots: Sendable {
    static let shared = TestSlots(limit: 8)

    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: NIOLockedValueBox<State>

    init(limit: Int) { state = NIOLockedValueBox(State(available: limit)) }

    func withSlot<T>(_ body: () async throws -> T) async rethrows -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLockedValue { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
        defer {
            let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                if state.waiters.isEmpty {
                    state.available += 1
                    return nil
                }
                return state.waiters.removeFirst()
            }
            next?.resume()
        }
        return try await body()
    }
}
