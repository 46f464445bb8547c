// `POST /v2/videos` accepts a full URL, a shortcode or a platform id, parsed per platform (and by the importer):
// Instagram `/p/`, `/reel/`, `/reels/`, `/tv/` URLs or a bare shortcode (or numeric media id); TikTok
// `/@user/video/<id>` URLs or a bare numeric id. Anything else is refused (422 naming `identifier`).
//
// The grammar is exact, so the OpenAPI document can state it as a pattern per platform (`documentPatterns`, checked
// against the document by OpenAPITests): blanks (space, tab, CR, LF) around the identifier are ignored; a URL is
// `[http[s]://][sub.]instagram.com/[user/](p|reel|reels|tv)/CODE[/][?…|#…]` or
// `[http[s]://][sub.]tiktok.com/@[user]/video/ID[/][?…|#…]` in lowercase, with no blank or control character in the query or fragment.
import Foundation

struct VideoIdentifier: Equatable {
    let externalID: String
    let shortcode: String?
    let url: String
    let accountUsername: String?

    /// The same grammar as a JSON Schema pattern (ECMA-262 and Python `re` read it alike).
    static let documentPatterns: [Platform: String] = [
        .instagram: #"^[ \t\r\n]*(?:[A-Za-z0-9_-]{5,64}|(?:https?://)?(?:[A-Za-z0-9-]+\.)*instagram\.com/"#
            + #"(?:[A-Za-z0-9._]+/)?(?:p|reel|reels|tv)/[A-Za-z0-9_-]{5,64}/?(?:[?#][^ \u0000-\u001F]*)?)[ \t\r\n]*$"#,
        .tiktok: #"^[ \t\r\n]*(?:[0-9]{8,25}|(?:https?://)?(?:[A-Za-z0-9-]+\.)*tiktok\.com/"#
            + #"@[A-Za-z0-9._]*/video/[0-9]{8,25}/?(?:[?#][^ \u0000-\u001F]*)?)[ \t\r\n]*$"#,
    ]

    static func parse(_ raw: String, platform: Platform) -> VideoIdentifier? {
        if let bare = bareIdentifier(raw, platform: platform) { return bare }
        let text = JSONBody.trimmingBlanks(raw)
        guard !text.isEmpty, text.unicodeScalars.count <= 2048 else { return nil }
        if let bare = bareIdentifier(text, platform: platform) { return bare }
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

    /// `[A-Za-z0-9_-]{5,64}`
    static func isShortcode(_ text: Substring) -> Bool {
        (5...64).contains(text.utf8.count) && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// `[0-9]{lengths}`
    static func isNumeric(_ text: Substring, _ lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy(isDigit)
    }

    /// `[A-Za-z0-9._]+` (a username segment; `allowEmpty` for TikTok's `@` alone).
    static func isUserSegment(_ text: Substring, allowEmpty: Bool) -> Bool {
        (allowEmpty || !text.isEmpty) && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == 0x2E || $0 == 0x5F }
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
    }

    /// `[http[s]://][label.]*DOMAIN/PATH[?…|#…]` → the path's segments after the leading `/` (one trailing `/`
    /// dropped); nil when the text is not such a URL of `domain`. Scheme, host and path are ASCII.
    static func urlSegments(_ text: String, domain: String) -> [Substring]? {
        let scalars = text.unicodeScalars
        let end = scalars.firstIndex { $0 == "?" || $0 == "#" } ?? scalars.endIndex
        // A query or fragment is ignored, but may hold no blank (the document's pattern says the same).
        let forbidden: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n", "\u{0}"]
        guard !scalars[end...].contains(where: forbidden.contains) else { return nil }
        let head = String(scalars[..<end])
        guard head.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var rest = Substring(head)
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            break
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let host = rest[..<slash]
        guard host == domain || host.hasSuffix("." + domain) else { return nil }
        let labels = host.dropLast(domain.count).split(separator: ".", omittingEmptySubsequences: false).dropLast()
        guard labels.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") } })
        else { return nil }
        var segments = rest[slash...].dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if segments.count > 1, segments.last?.isEmpty == true { segments.removeLast() }
        return Array(segments)
    }

    static func instagram(_ text: String) -> VideoIdentifier? {
        guard let segments = urlSegments(text, domain: "instagram.com") else { return nil }
        // `/KIND/CODE`, or `/USER/KIND/CODE` (a post URL under its author's profile).
        let kinds: Set<Substring> = ["p", "reel", "reels", "tv"]
        let tail = segments.suffix(2)
        guard tail.count == 2, kinds.contains(tail[tail.startIndex]), isShortcode(tail[tail.startIndex + 1]),
              segments.count == 2 || (segments.count == 3 && isUserSegment(segments[0], allowEmpty: false))
        else { return nil }
        let code = String(tail[tail.startIndex + 1])
        return VideoIdentifier(
            externalID: code, shortcode: code, url: "https://www.instagram.com/p/\(code)/", accountUsername: nil)
    }

    static func tiktok(_ text: String) -> VideoIdentifier? {
        guard let segments = urlSegments(text, domain: "tiktok.com"), segments.count == 3, segments[0].hasPrefix("@"),
              segments[1] == "video", isNumeric(segments[2], 8...25)
        else { return nil }
        let user = segments[0].dropFirst()
        guard isUserSegment(user, allowEmpty: true) else { return nil }
        let name = user.lowercased()
        let url = "https://www.tiktok.com/@\(name)/video/\(segments[2])"
        return VideoIdentifier(externalID: String(segments[2]), shortcode: nil, url: url, accountUsername: name.isEmpty ? nil : name)
    }
}
