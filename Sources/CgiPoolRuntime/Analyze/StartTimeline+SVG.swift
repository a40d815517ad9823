/// `cgipool analyze --svg`: the start as a timeline, one bar per process split into waiting,
/// starting and probing, with the dependency edges, like `systemd-analyze plot` for the pool.
extension StartTimeline {
  /// A self-contained SVG document.
  public func svg() -> String {
    let rowHeight = 24.0
    let labelWidth = 180.0
    let scaleWidth = 800.0
    let top = 50.0
    let span = max(total, 0.001)
    let width = labelWidth + scaleWidth + 40
    let height = top + Double(bars.count) * rowHeight + 40
    func x(_ seconds: Double) -> Double { labelWidth + seconds / span * scaleWidth }
    func number(_ value: Double) -> String { String(format3(value)) }
    var out: [String] = []
    out.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
    out.append(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(number(width))" height="\#(number(height))" viewBox="0 0 \#(number(width)) \#(number(height))" font-family="sans-serif" font-size="12">"#)
    out.append("<title>\(Self.escape("cgipool start: \(Self.format(total))"))</title>")
    out.append(#"<rect class="background" x="0" y="0" width="\#(number(width))" height="\#(number(height))" fill="white"/>"#)
    out.append(#"<text x="10" y="20">\#(Self.escape("pool up after \(Self.format(total))")) — waiting (grey), starting (orange), probing (blue)</text>"#)
    // A tick each tenth of the span.
    for tick in 0...10 {
      let seconds = span * Double(tick) / 10
      out.append(#"<line class="tick" x1="\#(number(x(seconds)))" y1="\#(number(top - 10))" x2="\#(number(x(seconds)))" y2="\#(number(height - 30))" stroke="gainsboro"/>"#)
      out.append(#"<text x="\#(number(x(seconds)))" y="\#(number(top - 14))" text-anchor="middle">\#(Self.format(seconds))</text>"#)
    }
    var rows: [String: Int] = [:]
    for (row, bar) in bars.enumerated() { rows[bar.process] = row }
    for (row, bar) in bars.enumerated() {
      let y = top + Double(row) * rowHeight
      out.append(#"<g class="process" data-process="\#(Self.escape(bar.process))">"#)
      out.append(#"<text x="10" y="\#(number(y + 16))">\#(Self.escape(bar.process))</text>"#)
      let phases: [(String, Double, Double, String)] = [
        ("waiting", 0, bar.started, "silver"), ("starting", bar.started, bar.running, "orange"), ("probing", bar.running, bar.active, "royalblue"),
      ]
      for (name, from, to, color) in phases {
        out.append(
          #"<rect class="\#(name)" x="\#(number(x(from)))" y="\#(number(y + 4))" width="\#(number(max(0, x(to) - x(from))))" height="\#(number(rowHeight - 8))" fill="\#(color)"><title>\#(Self.escape("\(bar.process) \(name) \(Self.format(to - from))"))</title></rect>"#)
      }
      out.append("</g>")
    }
    // Edges: from the end of each dependency's bar to the start of its dependent's.
    for bar in bars {
      for dependency in bar.dependsOn {
        guard let from = rows[dependency], let to = rows[bar.process], let source = bars.first(where: { $0.process == dependency }) else { continue }
        out.append(
          #"<line class="edge" data-from="\#(Self.escape(dependency))" data-to="\#(Self.escape(bar.process))" x1="\#(number(x(source.active)))" y1="\#(number(top + Double(from) * rowHeight + rowHeight / 2))" x2="\#(number(x(bar.started)))" y2="\#(number(top + Double(to) * rowHeight + rowHeight / 2))" stroke="brown" stroke-width="1"/>"#)
      }
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// Text escaped for XML content and attributes (control characters XML cannot hold become `?`).
  public static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        // XML 1.0 cannot hold most control characters, even escaped.
        if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += "?" } else { out.unicodeScalars.append(scalar) }
      }
    }
    return out
  }
}

/// A coordinate with at most three decimals, no exponent.
private func format3(_ value: Double) -> String {
  let thousandths = Int((value * 1000).rounded())
  let sign = thousandths < 0 ? "-" : ""
  let magnitude = abs(thousandths)
  let fraction = magnitude % 1000
  if fraction == 0 { return "\(sign)\(magnitude / 1000)" }
  var digits = String(fraction)
  digits = String(repeating: "0", count: 3 - digits.count) + digits
  while digits.hasSuffix("0") { digits.removeLast() }
  return "\(sign)\(magnitude / 1000).\(digits)"
}
