// The range selector every data page with a window shows: 7 / 30 / 90 days as links, a custom range as a small GET
// form — both keep the page's other query fields — and the problems with a range that could not be used.
enum RangePicker {
    /// Template values (`range-picker` partial). `keep` are the page's other fields (filters, sort, columns).
    static func values(_ range: DashboardRange, path: String, keep: [(String, String)]) -> [String: Any] {
        let presets = DashboardRange.presets.map { period -> [String: Any] in
            [
                "preset_label": period.replacingOccurrences(of: "d", with: " days"),
                "preset_href": PageLink.make(path, keep + [("period", period)]),
                "preset_current": !range.isCustom && range.window.period == period,
            ]
        }
        return [
            "range_path": path, "range_label": range.label, "presets": presets, "custom_current": range.isCustom,
            "custom_start": UTCDay.date(range.window.startDay), "custom_end": UTCDay.date(range.window.endDay),
            "custom_max": UTCDay.date(UTCDay.today),
            "keep": keep.filter { !$0.1.isEmpty }.map { ["keep_name": $0.0, "keep_value": $0.1] },
            "has_range_errors": !range.errors.isEmpty,
            "range_errors": range.errors.map { ["range_field": $0.field.replacingOccurrences(of: "_", with: " "),
                                                "range_message": $0.message] },
        ]
    }
}
