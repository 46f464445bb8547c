// A collector clock that moves only when told: `sleep` moves it forward at once (and remembers how long was
// slept), so governor pauses and token lifetimes can be tested without waiting.
import Foundation
import NIOConcurrencyHelpers

@testable import CreatorAudit

final class ManualClock: CollectorClock {
    private struct State {
        var now: Double
        var slept: Double = 0
    }
    private let state: NIOLockedValueBox<State>

    /// 2026-03-01T12:00:00Z unless told otherwise.
    init(start: Double = 1_772_366_400) { state = NIOLockedValueBox(State(now: start)) }

    func now() -> Double { state.withLockedValue { $0.now } }

    func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        state.withLockedValue { state in
            state.now += seconds
            state.slept += seconds
        }
    }

    func advance(_ seconds: Double) { state.withLockedValue { $0.now += seconds } }

    /// Seconds spent in `sleep` so far.
    var slept: Double { state.withLockedValue { $0.slept } }
}
