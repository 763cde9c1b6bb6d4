package io.mediaplane.video;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mediaplane.ffi.TurboJpeg;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG from I420 planes, for screen-watch snapshots. With libturbojpeg the planes go straight into
 * {@code tjCompressFromYUVPlanes} (4:2:0, no RGB step); without it (library missing, or
 * {@code -Dmediaplane.native=false}) ImageIO's JPEG writer gets an RGB image. A picture is first brought to full
 * range and, when {@link JpegOptions#maxPixels()} asks, shrunk with a box filter in one pass into a buffer the
 * encoder keeps; a full-range picture of the right size in native memory is compressed in place. The range pass
 * over native planes runs in libmediaplane (vectorised; a Java table lookup measured slower than the compression
 * itself at 1080p), else in Java.
 *
 * <p>One encoder per stream; not thread-safe. Per-picture failures are {@link JpegStatus} values and counters.
 */
public final class JpegEncoder implements AutoCloseable {
    /** {@code turbojpeg} or {@code imageio}; default: turbojpeg when the library is usable. */
    public static final String BACKEND_PROPERTY = "mediaplane.video.jpeg.backend";

    public enum Backend {
        TURBOJPEG, IMAGEIO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final JpegOptions options;
    private final Backend backend;
    private final I420Planes.Scratch scratch = new I420Planes.Scratch();
    private final I420Planes.SampleMap lumaMap;
    private final I420Planes.SampleMap chromaMap;
    // TurboJPEG state (null for ImageIO)
    private final Arena arena;
    private final MemorySegment handle;
    private final MemorySegment planes;
    private final MemorySegment strides;
    private final MemorySegment jpegBufPointer;
    private final MemorySegment jpegSize;
    /** Replaced (and the old one closed) only when a larger picture arrives. */
    private Arena bufferArena;
    private MemorySegment work;
    private MemorySegment output;
    // ImageIO state (null for TurboJPEG)
    private final ImageWriter writer;
    private final ImageWriteParam writeParam;
    private final ByteArrayOutputStream imageIoBytes;
    private BufferedImage image;

    private MemorySegment jpeg = MemorySegment.NULL;
    private int inputWidth;
    private int inputHeight;
    private int outputWidth;
    private int outputHeight;
    private String lastError = "";
    private long encoded;
    private long failed;
    private boolean closed;

    private JpegEncoder(JpegOptions options, Backend backend) {
        this.options = Objects.requireNonNull(options, "options");
        this.backend = Objects.requireNonNull(backend, "backend");
        boolean limited = options.inputRange() == YuvRange.LIMITED;
        this.lumaMap = limited ? I420Planes.LUMA_TO_FULL : I420Planes.IDENTITY;
        this.chromaMap = limited ? I420Planes.CHROMA_TO_FULL : I420Planes.IDENTITY;
        if (backend == Backend.TURBOJPEG) {
            TurboJpeg.library().ensureAvailable();
            arena = Arena.ofShared();
            planes = arena.allocate(ADDRESS, 3);
            strides = arena.allocate(JAVA_INT, 3);
            jpegBufPointer = arena.allocate(ADDRESS);
            jpegSize = arena.allocate(JAVA_LONG);
            MemorySegment h;
            try {
                h = TurboJpeg.initCompress();
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
            handle = h;
            writer = null;
            writeParam = null;
            imageIoBytes = null;
        } else {
            arena = null;
            handle = null;
            planes = null;
            strides = null;
            jpegBufPointer = null;
            jpegSize = null;
            writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            writeParam = writer.getDefaultWriteParam();
            writeParam.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            writeParam.setCompressionQuality(options.quality() / 100f);
            imageIoBytes = new ByteArrayOutputStream();
        }
    }

    /** An encoder on the default backend ({@link #defaultBackend()}). */
    public static JpegEncoder create(JpegOptions options) {
        return new JpegEncoder(options, defaultBackend());
    }

    /**
     * An encoder on a given backend.
     *
     * @throws io.mediaplane.ffi.NativeUnavailableException for {@link Backend#TURBOJPEG} without a usable library
     */
    public static JpegEncoder create(JpegOptions options, Backend backend) {
        return new JpegEncoder(options, backend);
    }

    /** {@link #BACKEND_PROPERTY} if set, else TurboJPEG when usable, else ImageIO. */
    public static Backend defaultBackend() {
        String chosen = System.getProperty(BACKEND_PROPERTY);
        if (chosen != null) {
            for (Backend b : Backend.values()) {
                if (b.id().equals(chosen.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException(BACKEND_PROPERTY + "=" + chosen + ": expected turbojpeg or imageio");
        }
        return TurboJpeg.library().isAvailable() ? Backend.TURBOJPEG : Backend.IMAGEIO;
    }

    public Backend backend() {
        return backend;
    }

    public JpegOptions options() {
        return options;
    }

    /** Compresses one picture; on {@link JpegStatus#ENCODED}, {@link #jpeg()} holds it until the next call. */
    public JpegStatus encode(I420Picture picture) {
        if (closed) {
            throw new IllegalStateException("JPEG encoder is closed");
        }
        jpeg = MemorySegment.NULL;
        if (picture.width() != inputWidth || picture.height() != inputHeight) { // sizes change rarely
            int[] size = I420Planes.fitWithin(picture.width(), picture.height(), options.maxPixels());
            inputWidth = picture.width();
            inputHeight = picture.height();
            outputWidth = size[0];
            outputHeight = size[1];
        }
        JpegStatus status = backend == Backend.TURBOJPEG ? encodeTurbo(picture) : encodeImageIo(picture);
        if (status == JpegStatus.ENCODED) {
            encoded++;
        } else {
            failed++;
        }
        return status;
    }

    private boolean needsConversion(I420Picture p) {
        return outputWidth != p.width() || outputHeight != p.height() || options.inputRange() != YuvRange.FULL;
    }

    private JpegStatus encodeTurbo(I420Picture picture) {
        ensureBuffers(outputWidth, outputHeight);
        I420Picture src = picture;
        boolean nativePlanes = picture.y().isNative() && picture.u().isNative() && picture.v().isNative();
        if (needsConversion(picture) || !nativePlanes) {
            src = I420Picture.packed(outputWidth, outputHeight, work);
            I420Planes.resample(picture, src, lumaMap, chromaMap, scratch);
        }
        planes.setAtIndex(ADDRESS, 0, src.y());
        planes.setAtIndex(ADDRESS, 1, src.u());
        planes.setAtIndex(ADDRESS, 2, src.v());
        strides.setAtIndex(JAVA_INT, 0, src.strideY());
        strides.setAtIndex(JAVA_INT, 1, src.strideUv());
        strides.setAtIndex(JAVA_INT, 2, src.strideUv());
        jpegBufPointer.set(ADDRESS, 0, output);
        jpegSize.set(JAVA_LONG, 0, output.byteSize());
        int rc = TurboJpeg.compressFromYuvPlanes(handle, planes, outputWidth, strides, outputHeight,
                TurboJpeg.SAMP_420, jpegBufPointer, jpegSize, options.quality(), TurboJpeg.FLAG_NOREALLOC);
        if (rc != 0) {
            lastError = TurboJpeg.errorString(handle);
            return JpegStatus.ENCODER_ERROR;
        }
        long length = jpegSize.get(JAVA_LONG, 0);
        if (length <= 0 || length > output.byteSize()) {
            lastError = "libturbojpeg reported a JPEG of " + length + " bytes";
            return JpegStatus.ENCODER_ERROR;
        }
        jpeg = output.asSlice(0, length);
        return JpegStatus.ENCODED;
    }

    private void ensureBuffers(int width, int height) {
        long workSize = I420Picture.packedSize(width, height);
        long outSize = TurboJpeg.bufSize(width, height, TurboJpeg.SAMP_420);
        if (work != null && work.byteSize() >= workSize && output.byteSize() >= outSize) {
            return;
        }
        if (bufferArena != null) {
            bufferArena.close();
        }
        bufferArena = Arena.ofShared();
        work = bufferArena.allocate(workSize, 64);
        output = bufferArena.allocate(outSize, 64);
    }

    private JpegStatus encodeImageIo(I420Picture picture) {
        int w = outputWidth;
        int h = outputHeight;
        I420Picture full = picture;
        if (needsConversion(picture)) {
            long size = I420Picture.packedSize(w, h);
            if (work == null || work.byteSize() < size) {
                work = MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
            }
            full = I420Picture.packed(w, h, work);
            I420Planes.resample(picture, full, lumaMap, chromaMap, scratch);
        }
        if (image == null || image.getWidth() != w || image.getHeight() != h) {
            image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        }
        YuvRgb.fullRangeToRgb(full, ((DataBufferInt) image.getRaster().getDataBuffer()).getData());
        imageIoBytes.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(imageIoBytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), writeParam);
        } catch (IOException | RuntimeException e) {
            lastError = "ImageIO JPEG writer: " + e;
            return JpegStatus.ENCODER_ERROR;
        }
        jpeg = MemorySegment.ofArray(imageIoBytes.toByteArray());
        return JpegStatus.ENCODED;
    }

    /** The last JPEG (JFIF), valid until the next {@link #encode}; empty after a failure. */
    public MemorySegment jpeg() {
        return jpeg;
    }

    /** Width of the last JPEG (after any downscale). */
    public int outputWidth() {
        return outputWidth;
    }

    public int outputHeight() {
        return outputHeight;
    }

    public String lastError() {
        return lastError;
    }

    public long encodedPictures() {
        return encoded;
    }

    public long failedPictures() {
        return failed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (backend == Backend.TURBOJPEG) {
            TurboJpeg.destroy(handle);
            if (bufferArena != null) {
                bufferArena.close();
            }
            arena.close();
        } else {
            writer.dispose();
        }
    }
}
