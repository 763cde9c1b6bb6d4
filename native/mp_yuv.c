/* Sample range mapping for JPEG from video planes (see mediaplane.h). Written as plain integer arithmetic on
 * 32-bit lanes so the compiler vectorises it (CMake builds this file at -O3); a table lookup would not vectorise. */
#include "mediaplane.h"

void mp_yuv_map_range(const uint8_t *src, int32_t src_stride, uint8_t *dst, int32_t dst_stride, int32_t width,
                      int32_t rows, int32_t multiplier, int32_t addend) {
  for (int32_t r = 0; r < rows; r++) {
    const uint8_t *in = src + (int64_t)r * src_stride;
    uint8_t *out = dst + (int64_t)r * dst_stride;
    for (int32_t x = 0; x < width; x++) {
      int32_t v = (int32_t)in[x] * multiplier + addend;
      v = v < 0 ? 0 : v >> 14;
      out[x] = (uint8_t)(v > 255 ? 255 : v);
    }
  }
}
