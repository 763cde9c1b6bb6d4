/**
 * Video decoding and encoding (OpenH264, libvpx) through FFM, JPEG from YUV planes (libturbojpeg) and
 * screen-watch sampling. Sits above {@code codec}: it takes the access units the depacketizers assemble.
 */
package io.mediaplane.video;
