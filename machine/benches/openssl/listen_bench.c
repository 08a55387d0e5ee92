/*
 * OpenSSL's own stateless first-flight answers, timed, so that benches/listener.rs can print
 * hellogate's numbers as ratios against OpenSSL measured in the same run on the same machine.
 *
 *   listen_bench <dtls12 CH1 hex> <tls13 CH1 hex> [batches] [ops per batch]
 *
 * (a) DTLSv1_listen answering a DTLS 1.2 ClientHello1 with a HelloVerifyRequest, with a fresh
 *     SSL object per datagram and with one SSL object reused (DTLSv1_listen clears it itself);
 * (b) SSL_stateless answering a TLS 1.3 ClientHello1 with a HelloRetryRequest, the same two
 *     ways.
 * Memory BIOs carry the bytes (as OpenSSL's own DTLSv1_listen test does), so no socket cost is
 * counted on either side. The cookie callbacks compute HMAC-SHA256 from a key set once, over
 * the 18 bytes a peer address takes (OpenSSL hands the callback no ClientHello fields), so
 * OpenSSL's cookie costs one SHA-256 block less than hellogate's: the comparison leans towards
 * OpenSSL. The server certificate is a P-256 key and a self-signed certificate made here.
 *
 * Prints one JSON line: median ns/op over the batches for each case, ops/s, and the reply
 * sizes (checked once to be an HVR and an HRR).
 */
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static EVP_MAC_CTX *cookie_mac;
static const unsigned char peer_addr[18] = {0x7f, 0, 0, 1, 0x9c, 0x40};

static void die(const char *what) {
    fprintf(stderr, "listen_bench: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* HMAC-SHA256 of the peer address, key schedule reused (EVP_MAC_init with a NULL key keeps
 * the key); the tag is truncated to 16 bytes like hellogate's. */
static int cookie_tag(unsigned char *out, size_t *len) {
    unsigned char tag[32];
    size_t n = 0;
    if (!EVP_MAC_init(cookie_mac, NULL, 0, NULL) ||
        !EVP_MAC_update(cookie_mac, peer_addr, sizeof peer_addr) ||
        !EVP_MAC_final(cookie_mac, tag, &n, sizeof tag))
        return 0;
    memcpy(out, tag, 16);
    *len = 16;
    return 1;
}

static int dtls_gen(SSL *ssl, unsigned char *cookie, unsigned int *len) {
    size_t n;
    (void)ssl;
    if (!cookie_tag(cookie, &n))
        return 0;
    *len = (unsigned int)n;
    return 1;
}

static int dtls_verify(SSL *ssl, const unsigned char *cookie, unsigned int len) {
    unsigned char want[16];
    size_t n;
    (void)ssl;
    return cookie_tag(want, &n) && len == n && CRYPTO_memcmp(cookie, want, n) == 0;
}

static int tls_gen(SSL *ssl, unsigned char *cookie, size_t *len) {
    (void)ssl;
    return cookie_tag(cookie, len);
}

static int tls_verify(SSL *ssl, const unsigned char *cookie, size_t len) {
    unsigned char want[16];
    size_t n;
    (void)ssl;
    return cookie_tag(want, &n) && len == n && CRYPTO_memcmp(cookie, want, n) == 0;
}

static unsigned char *unhex(const char *s, size_t *len) {
    size_t n = strlen(s) / 2;
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i++) {
        unsigned int v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            die("hex input");
        b[i] = (unsigned char)v;
    }
    *len = n;
    return b;
}

static void make_cert(SSL_CTX *ctx) {
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
    if (!kctx || EVP_PKEY_keygen_init(kctx) <= 0 ||
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) <= 0 ||
        EVP_PKEY_keygen(kctx, &key) <= 0)
        die("key generation");
    EVP_PKEY_CTX_free(kctx);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"bench", -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (!X509_sign(x, key, EVP_sha256()))
        die("certificate signing");
    if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
        die("certificate install");
    X509_free(x);
    EVP_PKEY_free(key);
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One server side: a context, the input datagram/records, two memory BIOs kept across SSL
 * objects (so BIO creation is not charged to OpenSSL), and optionally one reused SSL. */
struct side {
    SSL_CTX *ctx;
    const unsigned char *in;
    size_t in_len;
    BIO *rbio, *wbio;
    SSL *reused;
    int dtls;
    BIO_ADDR *addr;
};

static SSL *new_ssl(struct side *s) {
    SSL *ssl = SSL_new(s->ctx);
    if (!ssl)
        die("SSL_new");
    BIO_up_ref(s->rbio);
    BIO_up_ref(s->wbio);
    SSL_set_bio(ssl, s->rbio, s->wbio);
    if (s->dtls)
        SSL_set_options(ssl, SSL_OP_COOKIE_EXCHANGE);
    return ssl;
}

/* One answer; returns the reply length (the write BIO is drained). */
static long one(struct side *s) {
    SSL *ssl = s->reused ? s->reused : new_ssl(s);
    BIO_write(s->rbio, s->in, (int)s->in_len);
    int r = s->dtls ? DTLSv1_listen(ssl, s->addr) : SSL_stateless(ssl);
    if (r != 0)
        die(s->dtls ? "DTLSv1_listen (expected an HVR, ret 0)" : "SSL_stateless (expected an HRR, ret 0)");
    long n = BIO_pending(s->wbio);
    (void)BIO_reset(s->wbio);
    (void)BIO_reset(s->rbio);
    if (!s->reused)
        SSL_free(ssl);
    return n;
}

static double median_ns(struct side *s, int batches, int per_batch) {
    double *samples = malloc(sizeof(double) * (size_t)batches);
    for (int i = 0; i < per_batch; i++)
        one(s);
    for (int b = 0; b < batches; b++) {
        double t0 = now_ns();
        for (int i = 0; i < per_batch; i++)
            one(s);
        samples[b] = (now_ns() - t0) / per_batch;
    }
    qsort(samples, (size_t)batches, sizeof(double), cmp);
    double m = samples[batches / 2];
    free(samples);
    return m;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <dtls12 CH1 hex> <tls13 CH1 hex> [batches] [ops per batch]\n", argv[0]);
        return 2;
    }
    int batches = argc > 3 ? atoi(argv[3]) : 31;
    int per_batch = argc > 4 ? atoi(argv[4]) : 2000;
    if (batches < 1 || per_batch < 1)
        die("argument parsing");

    unsigned char key[32];
    memset(key, 0x5a, sizeof key);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    cookie_mac = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
                           OSSL_PARAM_construct_end()};
    if (!cookie_mac || !EVP_MAC_init(cookie_mac, key, sizeof key, params))
        die("HMAC set-up");

    struct side d = {0}, t = {0};
    d.dtls = 1;
    d.in = unhex(argv[1], &d.in_len);
    t.in = unhex(argv[2], &t.in_len);

    d.ctx = SSL_CTX_new(DTLS_server_method());
    t.ctx = SSL_CTX_new(TLS_server_method());
    if (!d.ctx || !t.ctx)
        die("SSL_CTX_new");
    SSL_CTX_set_cookie_generate_cb(d.ctx, dtls_gen);
    SSL_CTX_set_cookie_verify_cb(d.ctx, dtls_verify);
    SSL_CTX_set_stateless_cookie_generate_cb(t.ctx, tls_gen);
    SSL_CTX_set_stateless_cookie_verify_cb(t.ctx, tls_verify);
    SSL_CTX_set_min_proto_version(t.ctx, TLS1_3_VERSION);
    make_cert(d.ctx);
    make_cert(t.ctx);
    d.addr = BIO_ADDR_new();
    d.rbio = BIO_new(BIO_s_mem());
    d.wbio = BIO_new(BIO_s_mem());
    t.rbio = BIO_new(BIO_s_mem());
    t.wbio = BIO_new(BIO_s_mem());
    if (!d.addr || !d.rbio || !d.wbio || !t.rbio || !t.wbio)
        die("BIO set-up");

    /* Check once that each answer is what is measured: an HVR record (handshake, type 3 at
     * offset 13) and an HRR (ServerHello whose random is the HRR constant's first byte 0xcf). */
    unsigned char buf[2048];
    SSL *ssl = new_ssl(&d);
    BIO_write(d.rbio, d.in, (int)d.in_len);
    if (DTLSv1_listen(ssl, d.addr) != 0)
        die("DTLSv1_listen on the capture");
    int hvr_len = BIO_read(d.wbio, buf, sizeof buf);
    if (hvr_len < 14 || buf[0] != 22 || buf[13] != 3)
        die("HVR check");
    SSL_free(ssl);
    (void)BIO_reset(d.rbio);
    ssl = new_ssl(&t);
    BIO_write(t.rbio, t.in, (int)t.in_len);
    if (SSL_stateless(ssl) != 0)
        die("SSL_stateless on the capture");
    int hrr_len = BIO_read(t.wbio, buf, sizeof buf);
    if (hrr_len < 12 || buf[0] != 22 || buf[5] != 2 || buf[11] != 0xcf)
        die("HRR check");
    SSL_free(ssl);
    (void)BIO_reset(t.rbio);

    double listen_fresh = median_ns(&d, batches, per_batch);
    d.reused = new_ssl(&d);
    double listen_reused = median_ns(&d, batches, per_batch);
    /* SSL_stateless is ~10x slower: fewer calls per batch keep the run short. */
    int per_batch13 = per_batch / 10 > 0 ? per_batch / 10 : 1;
    double stateless_fresh = median_ns(&t, batches, per_batch13);
    t.reused = new_ssl(&t);
    double stateless_reused = median_ns(&t, batches, per_batch13);

    printf("{\"openssl\":\"%s\",\"batches\":%d,"
           "\"listen_fresh_ns\":%.1f,\"listen_fresh_ops\":%.0f,"
           "\"listen_reused_ns\":%.1f,\"listen_reused_ops\":%.0f,"
           "\"stateless_fresh_ns\":%.1f,\"stateless_fresh_ops\":%.0f,"
           "\"stateless_reused_ns\":%.1f,\"stateless_reused_ops\":%.0f,"
           "\"hvr_len\":%d,\"dtls_ch1_len\":%zu,\"hrr_len\":%d,\"tls_ch1_len\":%zu}\n",
           OpenSSL_version(OPENSSL_VERSION_STRING), batches,
           listen_fresh, 1e9 / listen_fresh, listen_reused, 1e9 / listen_reused,
           stateless_fresh, 1e9 / stateless_fresh, stateless_reused, 1e9 / stateless_reused,
           hvr_len, d.in_len, hrr_len, t.in_len);
    SSL_free(d.reused);
    SSL_free(t.reused);
    return 0;
}
