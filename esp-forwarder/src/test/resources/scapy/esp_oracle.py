#!/usr/bin/python3
"""scapy as the independent ESP implementation for EspScapyOracleTest.

Reads <dir>/cases.tsv (one ESP packet that the Java side sealed per line), and for each:
  1. wraps the Java ESP bytes in an outer IPv4/IPv6 header (and a UDP/4500 header for NAT-T),
     decrypts it with scapy's SecurityAssociation and compares the result with the original
     inner packet (tunnel mode) or upper-layer segment (transport mode);
  2. flips one ICV bit and one ciphertext bit and expects scapy to refuse both;
  3. encrypts the same inner packet with scapy (same SA, same sequence number) for the Java side
     to open.
Writes <dir>/results.tsv: id, verdict of 1, verdict of 2, scapy's ESP bytes (hex).

scapy 2.5.0 leaves the ESN high half out of the HMAC of ESP (AuthAlgo.sign/verify only append it
for AH), against RFC 4303 §3.3.2.1. For AES-CBC/HMAC with ESN this script therefore computes and
checks that ICV itself with Python's hmac over ESP | Seq-high, and lets scapy do the rest.

scapy 2.5.0 cannot decrypt IPv6 transport mode with UDP encapsulation, not even its own packets
(_decrypt_esp sets nh on the UDP layer and leaves it in place, then re-parses the plaintext as
ESP). For that case alone this script hands scapy the same ESP bytes directly after the IPv6
header; scapy still encrypts that case with its nat_t_header for the Java side.
"""
import hashlib
import hmac
import struct
import sys

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation, IPSecIntegrityError

OUTER_SRC, OUTER_DST = '192.0.2.1', '192.0.2.2'
HASHES = {'HMAC-MD5-96': hashlib.md5, 'HMAC-SHA1-96': hashlib.sha1, 'SHA2-256-128': hashlib.sha256,
          'SHA2-384-192': hashlib.sha384, 'SHA2-512-256': hashlib.sha512}
ICV_BYTES = {'HMAC-MD5-96': 12, 'HMAC-SHA1-96': 12, 'SHA2-256-128': 16, 'SHA2-384-192': 24, 'SHA2-512-256': 32}


class Case:
    def __init__(self, line):
        f = line.rstrip('\n').split('\t')
        self.id = f[0]
        self.crypt = f[1]
        self.auth = None if f[2] == 'NULL' else f[2]
        self.crypt_key = bytes.fromhex(f[3])
        self.auth_key = bytes.fromhex(f[4]) if f[4] else None
        self.spi = int(f[5])
        self.esn = f[6] == '1'
        self.seq64 = int(f[7])
        self.mode = f[8]
        self.natt = f[9] == '1'
        self.inner = bytes.fromhex(f[10])
        self.java_esp = bytes.fromhex(f[11])
        self.seq_low = self.seq64 & 0xFFFFFFFF
        self.seq_high = self.seq64 >> 32
        # scapy's HMAC ignores ESN, see the module doc
        self.manual_icv = self.esn and self.auth is not None

    def inner_packet(self):
        return (IP if self.inner[0] >> 4 == 4 else IPv6)(self.inner)

    def scapy_v6_transport_natt_bug(self):
        return self.natt and self.mode == 'transport6'

    def sa(self, with_auth=True, natt=None):
        tunnel = self.mode.startswith('tunnel')
        natt = self.natt if natt is None else natt
        return SecurityAssociation(
            ESP, spi=self.spi, crypt_algo=self.crypt, crypt_key=self.crypt_key,
            auth_algo=self.auth if with_auth else None,
            auth_key=self.auth_key if with_auth else None,
            tunnel_header=IP(src=OUTER_SRC, dst=OUTER_DST) if tunnel else None,
            nat_t_header=UDP(sport=4500, dport=4500) if natt else None,
            esn_en=self.esn, esn=self.seq_high)

    def outer_with(self, esp_bytes):
        """The packet a receiver would see: outer IP [+ UDP/4500] + these ESP bytes."""
        if self.mode.startswith('tunnel'):
            ip = IP(src=OUTER_SRC, dst=OUTER_DST)
        else:
            orig = self.inner_packet()
            ip = IP(src=orig.src, dst=orig.dst) if orig.version == 4 else IPv6(src=orig.src, dst=orig.dst)
        if self.natt and not self.scapy_v6_transport_natt_bug():
            return ip.__class__(bytes(ip / UDP(sport=4500, dport=4500, chksum=0) / esp_bytes))
        if ip.version == 4:
            ip.proto = 50
        else:
            ip.nh = 50
        return ip.__class__(bytes(ip / esp_bytes))

    def expected(self):
        if self.mode.startswith('tunnel'):
            return self.inner
        return bytes(self.inner_packet().payload)

    def manual_icv_of(self, esp_without_icv):
        mac = hmac.new(self.auth_key, esp_without_icv + struct.pack('!L', self.seq_high), HASHES[self.auth])
        return mac.digest()[:ICV_BYTES[self.auth]]

    def receiving_sa(self):
        return self.sa(natt=False) if self.scapy_v6_transport_natt_bug() else self.sa()

    def scapy_decrypt(self, esp_bytes):
        """Decrypts; raises IPSecIntegrityError on a bad ICV."""
        if self.manual_icv:
            n = ICV_BYTES[self.auth]
            if not hmac.compare_digest(self.manual_icv_of(esp_bytes[:-n]), esp_bytes[-n:]):
                raise IPSecIntegrityError('ESN ICV mismatch')
            res = self.receiving_sa().decrypt(self.outer_with(esp_bytes), verify=False)
        else:
            res = self.receiving_sa().decrypt(self.outer_with(esp_bytes))
        if self.mode.startswith('tunnel'):
            return bytes(res)
        return bytes(res.payload)

    def scapy_encrypt(self):
        pkt = self.inner_packet()
        if self.manual_icv:
            out = self.sa(with_auth=False).encrypt(pkt, seq_num=self.seq_low)
            esp = bytes(out[ESP])
            return esp + self.manual_icv_of(esp)
        out = self.sa().encrypt(pkt, seq_num=self.seq_low)
        if self.natt and UDP not in out:
            raise AssertionError('scapy did not UDP-encapsulate')
        return bytes(out[ESP])


def verdict_decrypt(case):
    try:
        got = case.scapy_decrypt(case.java_esp)
    except Exception as e:  # noqa: BLE001 - every failure is a verdict for the Java side
        return 'FAIL:%s:%s' % (type(e).__name__, str(e)[:120])
    return 'ok' if got == case.expected() else 'FAIL:payload differs'


def verdict_tamper(case):
    n = len(case.java_esp)
    for pos in (n - 1, (8 + n) // 2):
        forged = bytearray(case.java_esp)
        forged[pos] ^= 0x01
        try:
            case.scapy_decrypt(bytes(forged))
        except IPSecIntegrityError:
            continue
        except Exception as e:  # noqa: BLE001
            return 'FAIL:%s' % type(e).__name__
        return 'ACCEPTED:byte %d' % pos
    return 'rejected'


def main(workdir):
    with open(workdir + '/cases.tsv') as f, open(workdir + '/results.tsv', 'w') as out:
        for line in f:
            if not line.strip():
                continue
            case = Case(line)
            try:
                scapy_esp = case.scapy_encrypt().hex()
            except Exception as e:  # noqa: BLE001
                scapy_esp = 'FAIL:%s:%s' % (type(e).__name__, str(e)[:120])
            out.write('\t'.join([case.id, verdict_decrypt(case), verdict_tamper(case), scapy_esp]) + '\n')


if __name__ == '__main__':
    main(sys.argv[1])
