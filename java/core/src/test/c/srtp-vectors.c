/* Protects one packet with libsrtp2 and prints it as hex: the reference SRTP/SRTCP vectors for our tests.
 *   srtp-vectors PROFILE MASTER_KEY_SALT_HEX PACKET_HEX [ROC] [rtcp]
 *   PROFILE: cm80 | cm32 | gcm128 | gcm256
 * Prints the protected packet as hex on one line, then unprotects it again as a self-check (exit 0 = ok).
 * Built by Libsrtp2VectorTest with: gcc srtp-vectors.c -lsrtp2 (Debian: libsrtp2-dev). */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unhex(const char *h, unsigned char *o, int max) {
  int n = (int)strlen(h) / 2;
  if (n > max) return -1;
  for (int i = 0; i < n; i++) sscanf(h + 2 * i, "%2hhx", &o[i]);
  return n;
}

static int policy(const char *suite, srtp_crypto_policy_t *p) {
  if (!strcmp(suite, "cm80")) srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
  else if (!strcmp(suite, "cm32")) srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(p);
  else if (!strcmp(suite, "gcm128")) srtp_crypto_policy_set_aes_gcm_128_16_auth(p);
  else if (!strcmp(suite, "gcm256")) srtp_crypto_policy_set_aes_gcm_256_16_auth(p);
  else return -1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: srtp-vectors cm80|cm32|gcm128|gcm256 KEYSALT_HEX PACKET_HEX [roc] [rtcp]\n"); return 2; }
  unsigned int roc = argc > 4 ? (unsigned int)strtoul(argv[4], 0, 0) : 0;
  int rtcp = argc > 5 && !strcmp(argv[5], "rtcp");
  unsigned char key[64], pkt[4096], copy[4096];
  int len = unhex(argv[3], pkt, 4000);
  if (unhex(argv[2], key, 64) < 0 || len < 0) return 2;
  if (srtp_init()) return 1;
  srtp_policy_t p;
  memset(&p, 0, sizeof p);
  if (policy(argv[1], &p.rtp) || policy(argv[1], &p.rtcp)) { fprintf(stderr, "unknown profile %s\n", argv[1]); return 2; }
  if (!strcmp(argv[1], "cm32")) srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp); /* RFC 5764 4.1.2 */
  p.key = key;
  p.window_size = 1024;
  p.allow_repeat_tx = 1;
  unsigned int ssrc = rtcp ? (pkt[4] << 24) | (pkt[5] << 16) | (pkt[6] << 8) | pkt[7]
                           : (pkt[8] << 24) | (pkt[9] << 16) | (pkt[10] << 8) | pkt[11];
  /* a specific SSRC, so the stream exists before the first packet and srtp_set_stream_roc can reach it */
  p.ssrc.type = ssrc_specific;
  p.ssrc.value = ssrc;
  srtp_t tx, rx;
  int st = srtp_create(&tx, &p);
  if (st) { fprintf(stderr, "srtp_create(tx) = %d\n", st); return 1; }
  if (roc && !rtcp && (st = srtp_set_stream_roc(tx, ssrc, roc))) { fprintf(stderr, "srtp_set_stream_roc = %d\n", st); return 1; }
  st = rtcp ? srtp_protect_rtcp(tx, pkt, &len) : srtp_protect(tx, pkt, &len);
  if (st) { fprintf(stderr, "srtp_protect = %d\n", st); return 1; }
  for (int i = 0; i < len; i++) printf("%02x", pkt[i]);
  printf("\n");
  memcpy(copy, pkt, len);
  if (srtp_create(&rx, &p)) return 1;
  if (roc && !rtcp && srtp_set_stream_roc(rx, ssrc, roc)) return 1;
  st = rtcp ? srtp_unprotect_rtcp(rx, copy, &len) : srtp_unprotect(rx, copy, &len);
  if (st) { fprintf(stderr, "self-check unprotect = %d\n", st); return 1; }
  return 0;
}
