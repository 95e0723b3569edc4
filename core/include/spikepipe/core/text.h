#pragma once
// Text from a user's file, made safe to echo in one line of an error message.
#include <string>

namespace spikepipe {

// At most `max` bytes of `s`, control and non-ASCII bytes as \xNN, "..." when cut.
std::string printable(const std::string& s, size_t max = 64);

// The first byte of `text` that no text file holds (NUL, or a control byte other than tab, CR
// and LF), as "the byte \xNN on line L" (without the line: "the byte \xNN"); empty if none.
std::string binary_byte(const std::string& text, bool with_line = true);

// A number as a user would type it: 0, 25.6, 1e-09, 0.15 (not 0.000000 or 0.14999999999999999).
std::string number_text(double v);

// One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled.
std::string csv_field(const std::string& s);

}  // namespace spikepipe
