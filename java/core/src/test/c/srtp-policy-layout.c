/* Prints the srtp_policy_t layout of the installed libsrtp2, to check the offsets io.mediaplane.ffi.Srtp2
 * hard-codes (a wrong layout would crash the JVM). Built by Libsrtp2VectorTest: gcc srtp-policy-layout.c */
#include <srtp2/srtp.h>
#include <stddef.h>
#include <stdio.h>
int main(void) {
  printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(srtp_policy_t), offsetof(srtp_policy_t, ssrc.type),
         offsetof(srtp_policy_t, ssrc.value), offsetof(srtp_policy_t, rtp), offsetof(srtp_policy_t, rtcp),
         offsetof(srtp_policy_t, key), offsetof(srtp_policy_t, window_size),
         offsetof(srtp_policy_t, allow_repeat_tx), sizeof(srtp_crypto_policy_t), sizeof(((srtp_policy_t *)0)->window_size));
  printf("%d %d %d %d %d %d %d %d\n", ssrc_specific, ssrc_any_inbound, ssrc_any_outbound, srtp_err_status_ok,
         srtp_err_status_auth_fail, srtp_err_status_replay_fail, srtp_err_status_replay_old,
         srtp_err_status_cant_check);
  return 0;
}
