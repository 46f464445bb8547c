// The platforms tracked, and how a video came to be tracked.

public enum Platform: String, Sendable, CaseIterable, Codable {
    case instagram, tiktok
}

/// `individual`: tracked one by one (`/v2/videos`); `account`: discovered on a tracked account (`/v2/account-videos`).
public enum VideoSource: String, Sendable, CaseIterable {
    case individual, account
}
