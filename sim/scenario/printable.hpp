// Text from a scenario as it may be shown: in a message, on a terminal, in report.md. Control
// characters and bytes that are not UTF-8 are written as escapes ("\r", "\x1b", "\xff"), so a
// key holding a carriage return cannot rewrite the line that names it, and one message stays
// one line.
#pragma once

#include <string>
#include <string_view>

namespace sim {

/// `text` with control characters (C0, DEL and C1) and invalid UTF-8 escaped; with
/// `keep_newlines`, '\n' passes through (a description's own line breaks).
std::string printable(std::string_view text, bool keep_newlines = false);

}  // namespace sim
