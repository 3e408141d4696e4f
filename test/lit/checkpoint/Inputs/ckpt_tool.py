"""Reads and edits nsc checkpoints for the lit tests (docs/checkpoints.md
describes the format). Written independently of nsc's reader: the CRC is
zlib's, so `list` also checks that nsc writes standard CRC-32.

  ckpt_tool.py list FILE              tags and payload sizes, CRCs checked
  ckpt_tool.py flip FILE              flips one bit in the middle of the file
  ckpt_tool.py truncate FILE N        drops the last N bytes
  ckpt_tool.py set-producer FILE V    rewrites the nsc version in IDNT, with a valid CRC
  ckpt_tool.py set-format FILE N      rewrites the format version in the header
"""
import struct
import sys
import zlib

HEADER = 16


def sections(data):
    assert data[:8] == b"NSCCKPT\0", "bad magic"
    at = HEADER
    while at < len(data):
        tag = data[at:at + 4].rstrip(b"\0").decode()
        crc, size = struct.unpack_from("<IQ", data, at + 4)
        yield tag, at, crc, size
        at += 16 + size


def section_crc(data, at, size):
    """CRC-32 of the payload, then the tag and the length bytes."""
    return zlib.crc32(bytes(data[at + 16:at + 16 + size]) + bytes(data[at:at + 4]) + bytes(data[at + 8:at + 16]))


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    data = bytearray(open(path, "rb").read())
    if cmd == "list":
        version, order = struct.unpack_from("<II", data, 8)
        print(f"format {version} byte-order {order:#010x}")
        for tag, at, crc, size in sections(data):
            payload = bytes(data[at + 16:at + 16 + size])
            ok = "crc-ok" if section_crc(data, at, size) == crc else "crc-BAD"
            print(f"{tag} {ok}" + (f" end-at-ok" if tag == "END" and struct.unpack("<Q", payload)[0] == at else ""))
        return
    if cmd == "flip":
        data[len(data) // 2] ^= 0x10
    elif cmd == "truncate":
        del data[len(data) - int(sys.argv[3]):]
    elif cmd == "set-format":
        struct.pack_into("<I", data, 8, int(sys.argv[3]))
    elif cmd == "set-producer":
        for tag, at, crc, size in sections(data):
            if tag != "IDNT":
                continue
            payload = bytes(data[at + 16:at + 16 + size])
            (n,) = struct.unpack_from("<Q", payload, 0)
            new = sys.argv[3].encode()
            payload = struct.pack("<Q", len(new)) + new + payload[8 + n:]
            data[at:at + 16 + size] = tag.encode() + struct.pack("<IQ", 0, len(payload)) + payload
            struct.pack_into("<I", data, at + 4, section_crc(data, at, len(payload)))
            break
        # The END section records where it starts.
        for tag, at, crc, size in sections(data):
            if tag == "END":
                struct.pack_into("<Q", data, at + 16, at)
                struct.pack_into("<I", data, at + 4, section_crc(data, at, 8))
    else:
        sys.exit(f"unknown command {cmd}")
    open(path, "wb").write(data)


main()
