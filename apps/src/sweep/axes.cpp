// --set values and ranges, and their Cartesian product. Range arithmetic is done on scaled
// integers so that "0.5:2:+0.25" gives exactly 0.5, 0.75, ..., 2 with no rounding drift.
#include <cstdio>
#include <limits>
#include <set>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"

namespace spikepipe::sweep {

namespace {

constexpr size_t kMaxValues = 100000;  // a typo such as 1:1e9 must not eat the machine

struct Decimal {
  int64_t units = 0;  // value * 10^scale
  int scale = 0;
};

bool parse_decimal(const std::string& s, Decimal& d) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  int64_t v = 0;
  int scale = 0, digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && !dot) {
      dot = true;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') return false;
    if (++digits > 17) return false;
    v = v * 10 + (s[i] - '0');
    if (dot) ++scale;
  }
  if (digits == 0 || (dot && scale == 0)) return false;
  d.units = neg ? -v : v;
  d.scale = scale;
  return true;
}

int64_t rescale(const Decimal& d, int scale, const std::string& where) {
  int64_t v = d.units;
  for (int s = d.scale; s < scale; ++s) {
    if (v > std::numeric_limits<int64_t>::max() / 10 ||
        v < std::numeric_limits<int64_t>::min() / 10) {
      fail(where, "range bounds too large");
    }
    v *= 10;
  }
  return v;
}

std::string format(int64_t units, int scale) {
  const bool neg = units < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(units + 1)) + 1 : static_cast<uint64_t>(units);
  std::string digits = std::to_string(u);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale))
      digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, ".");
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  return neg ? "-" + digits : digits;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::vector<std::string> expand_item(const std::string& item, const std::string& where) {
  const size_t c1 = item.find(':');
  if (c1 == std::string::npos) return {item};
  const size_t c2 = item.find(':', c1 + 1);
  const std::string a_text = item.substr(0, c1);
  const std::string b_text =
      item.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
  std::string step_text = c2 == std::string::npos ? "+1" : item.substr(c2 + 1);
  const std::string allowed =
      "a:b (step 1), a:b:+s or a:b:s (arithmetic), a:b:xF (geometric, integer F >= 2)";
  const std::string here = where + ": range '" + item + "'";
  if (step_text.find(':') != std::string::npos) fail(here, "too many ':'", allowed);
  Decimal a, b;
  if (!parse_decimal(a_text, a) || !parse_decimal(b_text, b))
    fail(here, "bounds are not numbers", allowed);

  std::vector<std::string> out;
  if (!step_text.empty() && (step_text[0] == 'x' || step_text[0] == '*')) {
    Decimal f;
    if (!parse_decimal(step_text.substr(1), f) || f.scale != 0 || f.units < 2) {
      fail(here, "factor '" + step_text.substr(1) + "' is not an integer >= 2", allowed);
    }
    const int scale = std::max(a.scale, b.scale);
    int64_t v = rescale(a, scale, here);
    const int64_t end = rescale(b, scale, here);
    if (v <= 0) fail(here, "a geometric range must start above 0", allowed);
    if (v > end) fail(here, "start is above the end", allowed);
    while (v <= end) {
      out.push_back(format(v, scale));
      if (v > end / f.units) break;
      v *= f.units;
    }
    return out;
  }
  if (!step_text.empty() && step_text[0] == '+') step_text.erase(0, 1);
  Decimal s;
  if (!parse_decimal(step_text, s) || s.units <= 0)
    fail(here, "step '" + step_text + "' is not a number > 0", allowed);
  const int scale = std::max({a.scale, b.scale, s.scale});
  int64_t v = rescale(a, scale, here);
  const int64_t end = rescale(b, scale, here), step = rescale(s, scale, here);
  if (v > end) fail(here, "start is above the end", allowed);
  if ((end - v) / step >= static_cast<int64_t>(kMaxValues)) fail(here, "more than 100000 values");
  for (; v <= end; v += step) out.push_back(format(v, scale));
  return out;
}

Axis parse_axis(const std::string& text, const std::string& option) {
  const std::string where = option + " " + text;
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    fail(where, "expected KEY=V1,V2,...", "e.g. processors=4,8 or processors=4:64:x2");
  Axis axis;
  axis.key = text.substr(0, eq);
  if (axis.key.rfind("--", 0) == 0) axis.key.erase(0, 2);
  const std::string list = text.substr(eq + 1);
  std::set<std::string> seen;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    const std::string item = list.substr(start, comma - start);
    if (item.empty()) fail(where, "empty value", "comma-separated values and ranges");
    for (auto& v : expand_item(item, where)) {
      if (!seen.insert(v).second) fail(where, "value '" + v + "' given twice");
      axis.values.push_back(std::move(v));
      if (axis.values.size() > kMaxValues) fail(where, "more than 100000 values");
    }
    start = comma + 1;
  }
  return axis;
}

std::vector<Axis> parse_set(const std::string& text) {
  const size_t eq = text.find('=');
  const std::string keys = eq == std::string::npos ? std::string() : text.substr(0, eq);
  if (keys.find('+') == std::string::npos) return {parse_axis(text)};
  std::vector<Axis> axes;
  size_t start = 0;
  while (start <= keys.size()) {
    size_t plus = keys.find('+', start);
    if (plus == std::string::npos) plus = keys.size();
    const std::string key = keys.substr(start, plus - start);
    if (key.empty() || key == "--")
      fail("--set " + text, "empty key in '" + keys + "'",
           "KEY+KEY=ITEMS, e.g. array-rows+array-cols=32,64");
    axes.push_back(parse_axis(key + text.substr(eq)));
    axes.back().joint = axes.size() > 1;
    start = plus + 1;
  }
  return axes;
}

std::string point_id(const Values& values) {
  if (values.empty()) return "base";
  std::string id, exact;
  bool changed = false;
  for (const auto& [k, v] : values) {
    if (!id.empty()) id += ',';
    id += k + '=';
    for (char c : v) {
      const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' || c == '-';
      id += safe ? c : '_';
      changed |= !safe;
    }
    exact += k + '=' + v + '\n';
  }
  if (id.size() > 180) {
    id.resize(180);
    changed = true;
  }
  if (changed) {
    char hash[20];
    std::snprintf(hash, sizeof hash, "~%016llx", static_cast<unsigned long long>(fnv1a(exact)));
    id += hash;
  }
  return id;
}

std::vector<Point> expand(const std::vector<Axis>& axes) {
  // A group is an axis and the joint axes that follow it; the product runs over groups.
  std::vector<size_t> group_of(axes.size()), group_size;
  size_t total = 1;
  for (size_t k = 0; k < axes.size(); ++k) {
    const Axis& a = axes[k];
    if (a.values.empty()) fail("--set " + a.key, "no values");
    if (a.joint && k > 0) {
      const Axis& lead = axes[k - 1];
      if (a.values.size() != lead.values.size()) {
        fail("--zip " + a.key,
             std::to_string(a.values.size()) + " value(s) against " +
                 std::to_string(lead.values.size()) + " of '" + lead.key + "'",
             "as many values as the axis it moves with");
      }
      group_of[k] = group_size.size() - 1;
      continue;
    }
    if (total > kMaxValues / a.values.size())
      fail("--set", "the product has more than 100000 points");
    total *= a.values.size();
    group_of[k] = group_size.size();
    group_size.push_back(a.values.size());
  }
  std::vector<Point> points(total);
  std::vector<size_t> step(group_size.size());
  for (size_t i = 0; i < total; ++i) {
    Point& p = points[i];
    p.index = i;
    size_t rest = i;
    for (size_t g = group_size.size(); g-- > 0;) {  // the last group varies fastest
      step[g] = rest % group_size[g];
      rest /= group_size[g];
    }
    p.values.resize(axes.size());
    for (size_t k = 0; k < axes.size(); ++k)
      p.values[k] = {axes[k].key, axes[k].values[step[group_of[k]]]};
    p.id = point_id(p.values);
  }
  return points;
}

}  // namespace spikepipe::sweep
