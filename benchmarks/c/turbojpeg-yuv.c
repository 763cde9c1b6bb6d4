/* Baseline for JpegBenchmark: libturbojpeg's tjCompressFromYUVPlanes called from C on the same 1080p picture
 * (packed yuv420p file), quality 90, into a preallocated buffer (TJFLAG_NOREALLOC), as JpegEncoder calls it.
 * Prototypes are declared here so only the runtime library (libturbojpeg0) is needed.
 * Usage: turbojpeg-yuv FILE.yuv WIDTH HEIGHT SECONDS -> prints pictures per second (wall clock and thread CPU
 * time) and the JPEG size. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void *tjhandle;
tjhandle tjInitCompress(void);
int tjDestroy(tjhandle handle);
unsigned long tjBufSize(int width, int height, int jpegSubsamp);
int tjCompressFromYUVPlanes(tjhandle handle, const unsigned char **srcPlanes, int width, const int *strides,
                            int height, int subsamp, unsigned char **jpegBuf, unsigned long *jpegSize,
                            int jpegQual, int flags);
char *tjGetErrorStr2(tjhandle handle);
#define TJSAMP_420 2
#define TJFLAG_NOREALLOC 1024

static double clock_seconds(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s FILE.yuv WIDTH HEIGHT SECONDS\n", argv[0]);
    return 2;
  }
  int w = atoi(argv[2]), h = atoi(argv[3]);
  double seconds = atof(argv[4]);
  int cw = (w + 1) / 2, ch = (h + 1) / 2;
  size_t size = (size_t)w * h + 2 * (size_t)cw * ch;
  unsigned char *yuv = malloc(size);
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(yuv, 1, size, f) != size) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", size, argv[1]);
    return 1;
  }
  fclose(f);
  const unsigned char *planes[3] = {yuv, yuv + (size_t)w * h, yuv + (size_t)w * h + (size_t)cw * ch};
  int strides[3] = {w, cw, cw};
  tjhandle tj = tjInitCompress();
  unsigned long capacity = tjBufSize(w, h, TJSAMP_420);
  unsigned char *out = malloc(capacity);
  unsigned long length = 0;
  long pictures = 0;
  double start = now(), end = start, cpu_start = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  while (end - start < seconds) {
    unsigned char *buf = out;
    length = capacity;
    if (tjCompressFromYUVPlanes(tj, planes, w, strides, h, TJSAMP_420, &buf, &length, 90, TJFLAG_NOREALLOC) != 0) {
      fprintf(stderr, "tjCompressFromYUVPlanes: %s\n", tjGetErrorStr2(tj));
      return 1;
    }
    pictures++;
    end = now();
  }
  double cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
  /* per CPU-second as well: on a shared machine wall time mostly measures the other tenants */
  printf("%.1f pictures/s, %.1f pictures per CPU-second, %lu bytes\n", pictures / (end - start), pictures / cpu,
         length);
  tjDestroy(tj);
  free(out);
  free(yuv);
  return 0;
}
