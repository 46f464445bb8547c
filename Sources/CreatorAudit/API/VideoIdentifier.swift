// `POST /v2/videos` accepts a full URL, a shortcode or a platform id, parsed per platform:
// Instagram `/p/`, `/reel/`, `/tv/` URLs or a bare shortcode (or numeric media id);
// TikTok `/@user/video/<id>` URLs or a bare numeric id. Anything else is refused (422 naming `identifier`).
import Foundation

struct VideoIdentifier: Equatable {
    let externalID: String
    let shortcode: String?
    let url: String
    let accountUsername: String?

    static func parse(_ raw: String, platform: Platform) -> VideoIdentifier? {
        if let bare = bareIdentifier(raw, platform: platform) { return bare }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2048 else { return nil }
        switch platform {
        case .instagram: return instagram(text)
        case .tiktok: return tiktok(text)
        }
    }

    /// The common case without Foundation: a bare id or shortcode in plain ASCII (an import parses millions).
    /// Same answers as the general path below; nil sends anything else (URLs, spaces) there.
    static func bareIdentifier(_ text: String, platform: Platform) -> VideoIdentifier? {
        var digits = true
        var count = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                digits = false
            default: return nil
            }
            count += 1
        }
        switch platform {
        case .tiktok:
            guard digits, (8...25).contains(count) else { return nil }
            return VideoIdentifier(externalID: text, shortcode: nil, url: "https://www.tiktok.com/video/\(text)", accountUsername: nil)
        case .instagram:
            if digits, (6...25).contains(count) {
                return VideoIdentifier(externalID: text, shortcode: nil, url: "https://www.instagram.com/p/\(text)/", accountUsername: nil)
            }
            guard (5...64).contains(count) else { return nil }
            return VideoIdentifier(externalID: text, shortcode: text, url: "https://www.instagram.com/p/\(text)/", accountUsername: nil)
        }
    }

    static func isShortcode(_ text: Substring) -> Bool {
        (5...64).contains(text.count) && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }

    static func isNumeric(_ text: Substring, _ lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func urlComponents(_ text: String, hosts: [String]) -> [Substring]? {
        guard text.contains("/"), let components = URLComponents(string: text.hasPrefix("http") ? text : "https://" + text),
              let host = components.host?.lowercased(), ["https", "http"].contains(components.scheme?.lowercased() ?? ""),
              hosts.contains(where: { host == $0 || host.hasSuffix("." + $0) })
        else { return nil }
        return components.path.split(separator: "/")
    }

    static func instagram(_ text: String) -> VideoIdentifier? {
        if let parts = urlComponents(text, hosts: ["instagram.com"]) {
            // /p/CODE, /reel/CODE, /reels/CODE, /tv/CODE, optionally after a /username/ segment.
            for (index, part) in parts.enumerated() where ["p", "reel", "reels", "tv"].contains(part) && index + 1 < parts.count {
                let code = parts[index + 1]
                guard isShortcode(code) else { return nil }
                return VideoIdentifier(externalID: String(code), shortcode: String(code),
                                       url: "https://www.instagram.com/p/\(code)/", accountUsername: nil)
            }
            return nil
        }
        if isNumeric(text[...], 6...25) {
            return VideoIdentifier(externalID: text, shortcode: nil, url: "https://www.instagram.com/p/\(text)/", accountUsername: nil)
        }
        if isShortcode(text[...]) {
            return VideoIdentifier(externalID: text, shortcode: text, url: "https://www.instagram.com/p/\(text)/", accountUsername: nil)
        }
        return nil
    }

    static func tiktok(_ text: String) -> VideoIdentifier? {
        if let parts = urlComponents(text, hosts: ["tiktok.com"]) {
            guard parts.count >= 3, parts[0].hasPrefix("@"), parts[1] == "video", isNumeric(parts[2], 8...25) else { return nil }
            let user = String(parts[0].dropFirst()).lowercased()
            return VideoIdentifier(externalID: String(parts[2]), shortcode: nil,
                                   url: "https://www.tiktok.com/@\(user)/video/\(parts[2])", accountUsername: user.isEmpty ? nil : user)
        }
        if isNumeric(text[...], 8...25) {
            return VideoIdentifier(externalID: text, shortcode: nil, url: "https://www.tiktok.com/video/\(text)", accountUsername: nil)
        }
        return nil
    }
}
