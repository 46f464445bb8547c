public enum Platform: String, Sendable, CaseIterable, Codable {
    case instagram, tiktok
}
