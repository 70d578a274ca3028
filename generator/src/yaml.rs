//! How go-yaml v2 (the YAML library of kubectl) writes a string: which quoting style it picks,
//! how it escapes a double-quoted string, and the order it sorts mapping keys in.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum YamlStyle {
    Plain,
    Single,
    Double,
}

/// The style go-yaml v2 picks for a string: double quotes when the plain text would read as
/// another type (numbers, booleans, null, timestamps, ""), single quotes when it is not a valid
/// plain scalar, plain otherwise.
///
/// `#[inline]`, as on the helpers below: the emitter calls these for every key and value, and
/// from another codegen unit the calls alone cost 6% of the YAML output's instructions.
#[inline]
pub(crate) fn yaml_style(s: &str) -> YamlStyle {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return YamlStyle::Double;
    };
    if resolves_to_non_string(s) {
        return YamlStyle::Double;
    }
    // One pass over the bytes; the rarer checks only run when a ':' or '#' is present.
    let class = b.iter().fold(0u8, |acc, &c| acc | YAML_CLASS[c as usize]);
    if class & 1 != 0 {
        return YamlStyle::Double;
    }
    let colon_or_hash = class & 2 != 0;
    let starts_with_indicator = match first {
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => true,
        b'?' | b':' | b'-' => matches!(b.get(1), None | Some(b' ' | b'\t')) || s.starts_with("---"),
        b'.' => s.starts_with("..."),
        b' ' => true,
        _ => false,
    };
    if starts_with_indicator || b[b.len() - 1] == b' ' {
        return YamlStyle::Single;
    }
    if colon_or_hash {
        for i in 1..b.len() {
            let followed_by_ws = matches!(b.get(i + 1), None | Some(b' ' | b'\t'));
            if (b[i] == b':' && followed_by_ws) || (b[i] == b'#' && b[i - 1] == b' ') {
                return YamlStyle::Single;
            }
        }
    }
    YamlStyle::Plain
}

/// Per byte: 1 for characters only a double-quoted scalar can hold, 2 for ':' and '#'.
const YAML_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[0x7F] = 1;
    t[b':' as usize] = 2;
    t[b'#' as usize] = 2;
    t
};

#[inline]
fn resolves_to_non_string(s: &str) -> bool {
    if matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "null"
            | "Null"
            | "NULL"
            | "~"
            | "<<"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    ) {
        return true;
    }
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() || matches!(b[0], b'+' | b'-' | b'.')) {
        return false;
    }
    // YYYY-... may be a timestamp.
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    let number = |t: &str| looks_like_int(t) || t.parse::<f64>().is_ok();
    (if s.contains('_') {
        number(&s.replace('_', ""))
    } else {
        number(s)
    }) || is_base60(s)
}

fn looks_like_int(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, ok): (&str, fn(&u8) -> bool) =
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            (h, u8::is_ascii_hexdigit)
        } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
            (o, |c| (b'0'..=b'7').contains(c))
        } else if let Some(bin) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
            (bin, |c| matches!(c, b'0' | b'1'))
        } else {
            (t, u8::is_ascii_digit)
        };
    !digits.is_empty() && digits.as_bytes().iter().all(ok)
}

/// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`, which YAML 1.1 reads as a sexagesimal number.
fn is_base60(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match t.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (t, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let mut n = 0;
    let rest_ok = parts.all(|p| {
        n += 1;
        let pb = p.as_bytes();
        match pb.len() {
            1 => pb[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&pb[0]) && pb[1].is_ascii_digit(),
            _ => false,
        }
    });
    head_ok
        && n > 0
        && rest_ok
        && frac.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'))
}

#[inline]
pub(crate) fn yaml_double(buf: &mut Vec<u8>, s: &str) {
    // Runs without escapes are copied whole: nearly every double-quoted string is a number or a
    // timestamp, with nothing to escape.
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    let mut start = 0;
    let mut hex = [b'\\', b'x', 0, 0];
    for (i, &c) in bytes.iter().enumerate() {
        let escape: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            c if c < 0x20 || c == 0x7F => {
                hex[2] = HEX_UPPER[(c >> 4) as usize];
                hex[3] = HEX_UPPER[(c & 15) as usize];
                &hex
            }
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        buf.extend_from_slice(escape);
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// go-yaml v2's order of mapping keys (letters after other characters, digit runs compared
/// as numbers). The generator's keys sort the same way under it and under Go's byte order.
#[cfg(debug_assertions)]
pub(crate) fn yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            for j in (0..i).rev() {
                if !ar[j].is_ascii_digit() {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an * 10 + i64::from(ar[ai] as u8 - b'0');
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn * 10 + i64::from(br[bi] as u8 - b'0');
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_quoted_strings_are_escaped_like_go_yaml() {
        let mut buf = Vec::new();
        yaml_double(&mut buf, "2026-11-20T10:00:00Z");
        yaml_double(&mut buf, "");
        yaml_double(&mut buf, "a\"b\\c\nd\te\rf\u{1}g\u{7f}h\u{1b}");
        assert_eq!(
            std::str::from_utf8(&buf).unwrap(),
            r#""2026-11-20T10:00:00Z""""a\"b\\c\nd\te\rf\x01g\x7Fh\x1B""#
        );
    }

    #[test]
    fn yaml_quoting_follows_go_yaml() {
        use YamlStyle::*;
        for (text, style) in [
            ("", Double),
            ("0", Double),
            ("16", Double),
            ("110", Double),
            ("1.5", Double),
            ("-3", Double),
            ("0x1F", Double),
            ("1e3", Double),
            ("true", Double),
            ("False", Double),
            ("yes", Double),
            ("n", Double),
            ("null", Double),
            ("~", Double),
            ("2026-11-20T10:00:00Z", Double),
            ("1:30", Double),
            ("64Gi", Plain),
            ("100m", Plain),
            ("25%", Plain),
            ("10.0.0.16", Plain),
            ("10.64.0.0/24", Plain),
            ("v1.33.1", Plain),
            ("docker.io/library/postgres:16.4", Plain),
            ("1762419321874-9187-ebs.csi.aws.com", Plain),
            ("ReplicaSet \"x\" has successfully progressed.", Plain),
            ("a#b", Plain),
            ("{\"a\":\"b\"}", Single),
            ("a: b", Single),
            ("a #b", Single),
            ("- x", Single),
            ("*", Single),
            ("'q'", Single),
            ("x ", Single),
        ] {
            assert_eq!(yaml_style(text), style, "{text:?}");
        }
    }
}
