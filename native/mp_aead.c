/* AEAD trampolines: slab + offset in, library function pointers from Java (see mediaplane.h). */
#include "mediaplane.h"

#include <stddef.h>

typedef int (*sodium_seal_fn)(unsigned char *c, unsigned long long *clen, const unsigned char *m,
                              unsigned long long mlen, const unsigned char *ad, unsigned long long adlen,
                              const unsigned char *nsec, const unsigned char *npub, const void *k);
typedef int (*sodium_open_fn)(unsigned char *m, unsigned long long *mlen, unsigned char *nsec,
                              const unsigned char *c, unsigned long long clen, const unsigned char *ad,
                              unsigned long long adlen, const unsigned char *npub, const void *k);

int32_t mp_sodium_aead_seal(const void *fn, uint8_t *slab, int64_t offset, int32_t aad_length,
                            int32_t data_length, const uint8_t *nonce, const void *key) {
    uint8_t *p = slab + offset;
    sodium_seal_fn seal;
    *(const void **) &seal = fn;
    return seal(p + aad_length, NULL, p + aad_length, (unsigned long long) data_length, p,
                (unsigned long long) aad_length, NULL, nonce, key);
}

int32_t mp_sodium_aead_open(const void *fn, uint8_t *slab, int64_t offset, int32_t aad_length,
                            int32_t data_length, const uint8_t *nonce, const void *key) {
    uint8_t *p = slab + offset;
    sodium_open_fn open;
    *(const void **) &open = fn;
    return open(p + aad_length, NULL, NULL, p + aad_length, (unsigned long long) data_length + 16u, p,
                (unsigned long long) aad_length, nonce, key) == 0 ? 0 : -1;
}

typedef int (*evp_init_fn)(void *ctx, const void *cipher, void *engine, const unsigned char *key,
                           const unsigned char *iv, int enc);
typedef int (*evp_update_fn)(void *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);
typedef int (*evp_final_fn)(void *ctx, unsigned char *out, int *outl);
typedef int (*evp_ctrl_fn)(void *ctx, int type, int arg, void *ptr);

#define MP_EVP_CTRL_AEAD_GET_TAG 0x10 /* evp.h */
#define MP_EVP_CTRL_AEAD_SET_TAG 0x11
#define MP_TAG_LENGTH 16

struct evp_fns {
    evp_init_fn init;
    evp_update_fn update;
    evp_final_fn final;
    evp_ctrl_fn ctrl;
};

static struct evp_fns evp_of(const void *const *evp) {
    struct evp_fns f;
    *(const void **) &f.init = evp[0];
    *(const void **) &f.update = evp[1];
    *(const void **) &f.final = evp[2];
    *(const void **) &f.ctrl = evp[3];
    return f;
}

int32_t mp_evp_aead_seal(const void *const *evp, void *ctx, const uint8_t *key, const uint8_t *iv,
                         uint8_t *slab, int64_t offset, int32_t aad_length, int32_t data_length) {
    struct evp_fns f = evp_of(evp);
    uint8_t *p = slab + offset;
    uint8_t *data = p + aad_length;
    int outl;
    if (f.init(ctx, NULL, NULL, key, iv, -1) != 1 || f.update(ctx, NULL, &outl, p, aad_length) != 1
        || (data_length > 0 && f.update(ctx, data, &outl, data, data_length) != 1)
        || f.final(ctx, data + data_length, &outl) != 1
        || f.ctrl(ctx, MP_EVP_CTRL_AEAD_GET_TAG, MP_TAG_LENGTH, data + data_length) != 1) {
        return -2;
    }
    return 0;
}

int32_t mp_evp_aead_open(const void *const *evp, void *ctx, const uint8_t *key, const uint8_t *iv,
                         uint8_t *slab, int64_t offset, int32_t aad_length, int32_t data_length) {
    struct evp_fns f = evp_of(evp);
    uint8_t *p = slab + offset;
    uint8_t *data = p + aad_length;
    int outl;
    if (f.init(ctx, NULL, NULL, key, iv, -1) != 1 || f.update(ctx, NULL, &outl, p, aad_length) != 1
        || (data_length > 0 && f.update(ctx, data, &outl, data, data_length) != 1)
        || f.ctrl(ctx, MP_EVP_CTRL_AEAD_SET_TAG, MP_TAG_LENGTH, data + data_length) != 1) {
        return -2;
    }
    return f.final(ctx, data + data_length, &outl) == 1 ? 0 : -1;
}

/* libgcrypt's cipher calls (gcrypt.h); gcry_error_t is an unsigned int, 0 on success. */
typedef unsigned int (*gcry_buffer_fn)(void *hd, const void *buffer, size_t length);
typedef unsigned int (*gcry_ctl_fn)(void *hd, int cmd, void *buffer, size_t length);
typedef unsigned int (*gcry_crypt_fn)(void *hd, void *out, size_t outsize, const void *in, size_t inlen);
typedef unsigned int (*gcry_tag_fn)(void *hd, void *tag, size_t length);

#define MP_GCRYCTL_FINALIZE 5    /* enum gcry_ctl_cmds */
#define MP_GPG_ERR_CHECKSUM 10   /* gpg-error.h: checktag's wrong tag */

struct gcry_fns {
    gcry_buffer_fn setiv;
    gcry_buffer_fn authenticate;
    gcry_ctl_fn ctl;
    gcry_crypt_fn encrypt;
    gcry_crypt_fn decrypt;
    gcry_tag_fn gettag;
    gcry_buffer_fn checktag;
};

static struct gcry_fns gcry_of(const void *const *gcry) {
    struct gcry_fns f;
    *(const void **) &f.setiv = gcry[0];
    *(const void **) &f.authenticate = gcry[1];
    *(const void **) &f.ctl = gcry[2];
    *(const void **) &f.encrypt = gcry[3];
    *(const void **) &f.decrypt = gcry[4];
    *(const void **) &f.gettag = gcry[5];
    *(const void **) &f.checktag = gcry[6];
    return f;
}

int32_t mp_gcry_gcm_seal(const void *const *gcry, void *handle, const uint8_t *iv, uint8_t *slab, int64_t offset,
                         int32_t aad_length, int32_t data_length) {
    struct gcry_fns f = gcry_of(gcry);
    uint8_t *p = slab + offset;
    uint8_t *data = p + aad_length;
    /* in = NULL, inlen = 0: in place on out (gcry_cipher_encrypt) */
    if (f.setiv(handle, iv, 12) != 0 || f.authenticate(handle, p, (size_t) aad_length) != 0
        || f.ctl(handle, MP_GCRYCTL_FINALIZE, NULL, 0) != 0
        || f.encrypt(handle, data, (size_t) data_length, NULL, 0) != 0
        || f.gettag(handle, data + data_length, MP_TAG_LENGTH) != 0) {
        return -2;
    }
    return 0;
}

int32_t mp_gcry_gcm_open(const void *const *gcry, void *handle, const uint8_t *iv, uint8_t *slab, int64_t offset,
                         int32_t aad_length, int32_t data_length) {
    struct gcry_fns f = gcry_of(gcry);
    uint8_t *p = slab + offset;
    uint8_t *data = p + aad_length;
    unsigned int rc;
    if (f.setiv(handle, iv, 12) != 0 || f.authenticate(handle, p, (size_t) aad_length) != 0
        || f.ctl(handle, MP_GCRYCTL_FINALIZE, NULL, 0) != 0
        || f.decrypt(handle, data, (size_t) data_length, NULL, 0) != 0) {
        return -2;
    }
    rc = f.checktag(handle, data + data_length, MP_TAG_LENGTH);
    if (rc == 0) {
        return 0;
    }
    return (rc & 0xFFFFu) == MP_GPG_ERR_CHECKSUM ? -1 : -2;
}
