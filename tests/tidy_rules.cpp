#include "tests/tidy_rules.hpp"

#include <algorithm>
#include <regex>

namespace tidy {
namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

int line_at(const std::string& text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

/// Appends `literal` blanked: its quotes kept, its line breaks kept, everything else gone.
void blank(std::string& out, const std::string& literal, char quote) {
  out += quote;
  out.append(static_cast<std::size_t>(std::count(literal.begin(), literal.end(), '\n')), '\n');
  out += quote;
}

/// The end (one past) of the quoted literal opening at `at`, backslash escapes skipped.
std::size_t quoted_end(const std::string& text, std::size_t at) {
  std::size_t i = at + 1;
  while (i < text.size() && text[i] != text[at] && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
  return std::min(i + 1, text.size());
}

/// What a brace opens, judged from the code since the last ';', '{' or '}'.
enum class Block { scope, function, other };

Block block_opened_after(const std::string& context) {
  static const std::regex type_or_namespace(R"(\b(namespace|class|struct|union|enum)\b)");
  static const std::regex signature_end(R"(\)\s*((const|noexcept|override|final|mutable)\s*)*(->\s*[\w:<>,\s*&]+)?$)");
  bool signature = std::regex_search(context, signature_end);
  if (std::regex_search(context, type_or_namespace) && !signature) return Block::scope;
  return signature ? Block::function : Block::other;
}

}  // namespace

std::string code_only(const std::string& text) {
  static const std::regex raw_open(R"re(^R"([^(\s]{0,16})\()re");
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::smatch raw;
    bool word_before = i > 0 && is_word(text[i - 1]);
    if (text.compare(i, 2, "//") == 0) {
      i = std::min(text.find('\n', i), text.size());
    } else if (text.compare(i, 2, "/*") == 0) {
      std::size_t end = std::min(text.find("*/", i + 2), text.size() - 2) + 2;
      out.append(static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(i),
                                                     text.begin() + static_cast<std::ptrdiff_t>(end), '\n')),
                 '\n');
      i = end;
    } else if (text[i] == 'R' && !word_before &&
               std::regex_search(text.cbegin() + static_cast<std::ptrdiff_t>(i),
                                 text.cbegin() + static_cast<std::ptrdiff_t>(std::min(i + 20, text.size())), raw,
                                 raw_open)) {
      std::string close = ")" + raw[1].str() + "\"";
      std::size_t end = std::min(text.find(close, i + static_cast<std::size_t>(raw.length(0))), text.size());
      end = std::min(end + close.size(), text.size());
      blank(out, text.substr(i, end - i), '"');
      i = end;
    } else if (text[i] == '"' || (text[i] == '\'' && !word_before)) {
      std::size_t end = quoted_end(text, i);
      blank(out, text.substr(i, end - i), text[i]);
      i = end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::vector<Function> functions_in(const std::string& code) {
  struct Open {
    Block block;
    int line;
  };
  std::vector<Open> open;
  std::vector<Function> functions;
  std::size_t context_start = 0;
  int line = 1;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{') {
      bool in_function =
          std::any_of(open.begin(), open.end(), [](const Open& o) { return o.block == Block::function; });
      std::size_t from = std::max(context_start, i > 400 ? i - 400 : 0);
      open.push_back({in_function ? Block::other : block_opened_after(code.substr(from, i - from)), line});
      context_start = i + 1;
    } else if (c == '}') {
      if (!open.empty()) {
        if (open.back().block == Block::function) functions.push_back({open.back().line, line - open.back().line + 1});
        open.pop_back();
      }
      context_start = i + 1;
    } else if (c == ';') {
      context_start = i + 1;
    }
  }
  return functions;
}

std::set<std::string> unordered_names(const std::string& code) {
  static const std::regex type(R"(std::unordered_(multi)?(map|set)\s*<)");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), type); it != std::sregex_iterator(); ++it) {
    std::size_t i = static_cast<std::size_t>(it->position(0) + it->length(0));
    for (int depth = 1; i < code.size() && depth > 0; ++i) depth += code[i] == '<' ? 1 : code[i] == '>' ? -1 : 0;
    while (i < code.size() && (std::isspace(static_cast<unsigned char>(code[i])) || code[i] == '&' || code[i] == '*'))
      ++i;
    std::size_t start = i;
    while (i < code.size() && is_word(code[i])) ++i;
    std::string name = code.substr(start, i - start);
    if (!name.empty() && name != "const") names.insert(name);
  }
  return names;
}

std::vector<int> iterations_over(const std::string& code, const std::set<std::string>& names) {
  static const std::regex range_for(R"(\bfor\s*\([^;{}]*?:\s*[*&]?\s*(?:[\w\]\[]+(?:\.|->))*(\w+)\s*\))");
  static const std::regex begin(R"(\b(\w+)\s*(?:\.|->)\s*c?begin\s*\(|std::c?begin\s*\(\s*(\w+))");
  std::vector<int> lines;
  for (const std::regex* rule : {&range_for, &begin}) {
    for (auto it = std::sregex_iterator(code.begin(), code.end(), *rule); it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
      if (names.count(name)) lines.push_back(line_at(code, static_cast<std::size_t>(it->position(0))));
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<int> repeated_draws(const std::string& code) {
  static const std::regex draw(
      R"(\b(\w+)\s*(?:\.|->)\s*(?:next_u64|below|between|chance|unit|unit_open_low|next|next_unit)\s*\()"
      R"(|\bsample\w*\s*\(\s*(\w+)\s*[,)])");
  std::vector<int> lines;
  std::size_t start = 0;
  while (start < code.size()) {
    std::size_t end = std::min(code.find_first_of(";{}", start), code.size());
    std::string statement = code.substr(start, end - start);
    std::set<std::string> streams;
    for (auto it = std::sregex_iterator(statement.begin(), statement.end(), draw); it != std::sregex_iterator(); ++it) {
      std::string stream = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
      if (!streams.insert(stream).second) {
        lines.push_back(line_at(code, start + static_cast<std::size_t>(it->position(0))));
        break;
      }
    }
    start = end + 1;
  }
  return lines;
}

std::size_t columns(const std::string& line) {
  return static_cast<std::size_t>(
      std::count_if(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace tidy
