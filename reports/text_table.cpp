#include "reports/text_table.hpp"

#include <algorithm>

#include "sim/scenario/printable.hpp"

namespace sim::report {

std::string markdown_cell(std::string_view text) {
  std::string cell;
  cell.reserve(text.size());
  for (char c : text) {
    if (c == '|') cell += "\\|";
    else if (c == '\n' || c == '\r') cell += ' ';
    else cell += c;
  }
  return printable(cell);
}

namespace {

std::string markdown_line(const TextRow& cells, std::size_t width) {
  std::string line = "|";
  for (std::size_t i = 0; i < width; ++i) {
    line += ' ';
    line += i < cells.size() ? markdown_cell(cells[i]) : std::string();
    line += " |";
  }
  return line + "\n";
}

// Characters, not bytes: continuation bytes of UTF-8 do not add width.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string markdown_table(const TextRow& header, const std::vector<TextRow>& rows) {
  std::string table = markdown_line(header, header.size());
  table += "|";
  for (std::size_t i = 0; i < header.size(); ++i) table += " --- |";
  table += "\n";
  for (const TextRow& row : rows) table += markdown_line(row, header.size());
  return table;
}

std::string aligned_table(const std::vector<TextRow>& rows, std::string_view indent,
                          const std::vector<std::size_t>& right_aligned) {
  std::vector<std::size_t> widths;
  for (const TextRow& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string text;
  for (const TextRow& row : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string padding(widths[i] - display_width(row[i]), ' ');
      bool right = std::find(right_aligned.begin(), right_aligned.end(), i) != right_aligned.end();
      if (i > 0) line += "  ";
      line += right ? padding + row[i] : row[i] + padding;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text;
}

}  // namespace sim::report
