// Tables as text: GitHub-flavoured Markdown for report.md, space-aligned columns for the
// terminal. Both keep the rows in the order given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sim::report {

using TextRow = std::vector<std::string>;

/// A Markdown table. Cells are escaped ('|' and newlines) so a cell never breaks the table;
/// rows shorter than the header are padded with empty cells.
std::string markdown_table(const TextRow& header, const std::vector<TextRow>& rows);

/// Escapes one Markdown table cell.
std::string markdown_cell(std::string_view text);

/// Columns padded to their widest cell (counted in UTF-8 characters), separated by two spaces,
/// each line starting with `indent` and ending without trailing spaces. Columns whose index is
/// in `right_aligned` are aligned right (numbers); the others left.
std::string aligned_table(const std::vector<TextRow>& rows, std::string_view indent,
                          const std::vector<std::size_t>& right_aligned = {});

}  // namespace sim::report
