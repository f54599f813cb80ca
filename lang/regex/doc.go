// Package regex implements the regular expressions of builtins.match and
// builtins.split exactly as CppNix evaluates them: libstdc++'s std::regex with the
// std::regex::extended (POSIX ERE) grammar, as compiled into CppNix 2.26 (GCC 14,
// built with __STRICT_ANSI__, "C" locale).
//
// # Why not package regexp
//
// libstdc++ is not a POSIX-conforming matcher, and Nix code observes its quirks, so
// this package reproduces its algorithm rather than translating patterns to RE2:
//
//   - Matching is a backtracking depth-first search over an NFA. For POSIX grammars
//     both branches of every alternation are explored and the longest solution wins
//     (the first one found among equally long ones), but a greedy loop that found a
//     solution by iterating once more never tries iterating less. So split "(ab)?(abcd)?"
//     on "abcd" matches "ab", not the POSIX-longest "abcd"; regexp.Longest cannot
//     express this.
//   - Captures are never reset between loop iterations: match "((a)|b)*" "ab" is
//     [ "b" "a" ]. A loop state may be re-entered twice at the same position, so
//     match "(a?)*" "aa" reports [ "" ] after an extra empty iteration.
//   - Syntax: only the special characters .[\()*+?{|^$ may be escaped (so \] \} \d \n
//     are invalid), ']' and '}' are ordinary outside brackets, backslash is ordinary
//     inside brackets, bracket ranges compare bytes as signed chars ([a-\xff] is
//     invalid), [=x=] and [.name.] accept only libstdc++'s collating names, "^*" is
//     invalid but "a**" is fine, and '.' matches every byte except NUL, newline
//     included. Subjects and patterns are byte strings: UTF-8 sequences are several
//     characters.
//   - Limits: {m,n} is expanded by copying the operand's states, and a pattern whose
//     automaton exceeds 100000 states fails with KindSpace; the compiler here builds
//     the same states in the same order, so the limit trips on exactly the same
//     patterns (and before or after the same syntax errors).
//
// # Structure
//
// scan.go tokenizes like libstdc++'s _Scanner; compile.go builds the NFA like its
// _Compiler (including the dummy states that count against the limit) and then removes
// dummies; exec.go keeps the reachable states as a prog and runs the depth-first
// executor with an explicit stack of undo and continuation frames (libstdc++ recurses,
// and overflows its stack on long subjects where this package does not). Matching
// state lives in a machine that is reused, so matching does not allocate apart from the
// returned positions.
//
// # Speed without changing results
//
//   - The executor stops as soon as no later solution could replace the current one:
//     in regex_match mode the first full match, in search mode a match reaching the
//     end of the subject.
//   - Search skips start positions whose first byte cannot begin a match, and
//     patterns that all begin with '^' are tried at position 0 only.
//   - A loop over a single byte set (x*, [^ ]*, .*) consumes bytes in a tight loop and
//     then tries the continuation at each end position, longest first, with the same
//     visit-counter bookkeeping as libstdc++'s recursion.
//   - After 4096 steps a memo of failed (state, position) pairs right after a byte
//     match prunes re-exploration, which makes libstdc++'s exponential cases such as
//     "([A-Za-z]+[-_. ]?)*(v)?([0-9.]+.*)" on a long non-matching subject polynomial
//     (exec.go explains why this is exact). Patterns whose blow-up happens without
//     consuming input, like "0*++++++", remain as slow as in CppNix.
//
// # Known differences
//
// None in results. CppNix's recursive executor needs stack in proportion to the
// subject: match "(.*)x" fails with "stack overflow (possible infinite recursion)" on a
// 512 KiB subject (256 KiB still works); this package completes. And thanks to the memo
// some patterns that take CppNix seconds or longer answer at once here.
//
// # Use
//
// builtins.match: Cache.Compile the pattern (error kinds map to CppNix's two messages),
// then MatchFull; builtins.split: SplitMatches (or ForEachMatch), taking the text
// between matches as the non-matching parts. testdata/corpus.txt records CppNix's
// answers for a few thousand cases; testdata/gen regenerates them.
package regex
