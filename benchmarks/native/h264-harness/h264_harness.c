/*
 * OpenH264 decode loop in C, the baseline H264DecodeBenchmark compares the FFM decoder with. It makes the same
 * calls in the same order as io.mediaplane.video.H264Decoder: one persistent decoder, log level quiet, error
 * concealment ERROR_CON_SLICE_COPY_CROSS_IDR, DecodeFrameNoDelay per access unit, FlushFrame when a clean unit
 * left its picture in the reordering buffer. One call decodes a whole clip, so crossing into C costs nothing
 * measurable here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wels/codec_api.h>

typedef struct {
  ISVCDecoder *decoder;
} harness_t;

harness_t *h264_harness_open(void);
int32_t h264_harness_decode(harness_t *h, const uint8_t *data, const int64_t *offsets, const int32_t *lengths,
                            int32_t count);
void h264_harness_close(harness_t *h);

harness_t *h264_harness_open(void) {
  harness_t *h = calloc(1, sizeof(*h));
  if (h == NULL || WelsCreateDecoder(&h->decoder) != 0 || h->decoder == NULL) {
    free(h);
    return NULL;
  }
  int level = WELS_LOG_QUIET;
  (*h->decoder)->SetOption(h->decoder, DECODER_OPTION_TRACE_LEVEL, &level);
  SDecodingParam param;
  memset(&param, 0, sizeof(param));
  param.eEcActiveIdc = ERROR_CON_SLICE_COPY_CROSS_IDR;
  param.sVideoProperty.size = sizeof(param.sVideoProperty);
  param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
  if ((*h->decoder)->Initialize(h->decoder, &param) != 0) {
    WelsDestroyDecoder(h->decoder);
    free(h);
    return NULL;
  }
  int ec = ERROR_CON_SLICE_COPY_CROSS_IDR;
  (*h->decoder)->SetOption(h->decoder, DECODER_OPTION_ERROR_CON_IDC, &ec);
  return h;
}

/* Decodes count access units; returns the number of pictures output, or -1 on a decoding error. */
int32_t h264_harness_decode(harness_t *h, const uint8_t *data, const int64_t *offsets, const int32_t *lengths,
                            int32_t count) {
  int32_t pictures = 0;
  for (int32_t i = 0; i < count; i++) {
    unsigned char *planes[3] = {0};
    SBufferInfo info;
    memset(&info, 0, sizeof(info));
    DECODING_STATE state = (*h->decoder)->DecodeFrameNoDelay(h->decoder, data + offsets[i], lengths[i], planes, &info);
    if (state == dsErrorFree && info.iBufferStatus != 1) {
      memset(&info, 0, sizeof(info));
      state = (*h->decoder)->FlushFrame(h->decoder, planes, &info);
    }
    if ((state & ~dsFramePending) != 0) {
      return -1;
    }
    if (info.iBufferStatus == 1) {
      pictures++;
    }
  }
  return pictures;
}

void h264_harness_close(harness_t *h) {
  if (h != NULL) {
    (*h->decoder)->Uninitialize(h->decoder);
    WelsDestroyDecoder(h->decoder);
    free(h);
  }
}
