package io.mediaplane.video;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images pushed as frames (PNG, or any {@link BufferedImage}) to the I420 pictures an {@link H264Encoder} of a fixed
 * size takes: scaled (bilinear) to fit that size with the aspect ratio kept, the rest black, then converted with
 * the BT.601 matrix to limited ("video") range, BT.601 §2.5.3, which is what decoders assume for H264 without
 * colour description. Decoding is ImageIO's; the picture lives in native memory the converter owns and reuses, so
 * the encoder reads it without a copy.
 *
 * <p>Malformed input gives a status, never an exception. Not thread-safe; one per publishing stream.
 */
public final class ImageToI420 implements AutoCloseable {
    /** Images declaring more pixels than this are refused before decoding (a 16384x8192 PNG needs 512 MiB). */
    public static final long DEFAULT_MAX_SOURCE_PIXELS = 8192L * 8192;

    private final int width;
    private final int height;
    private final long maxSourcePixels;
    private final Arena arena = Arena.ofShared();
    private final I420Picture picture;
    private final BufferedImage canvas;
    private final int[] rgb;
    private boolean closed;

    public ImageToI420(int width, int height) {
        this(width, height, DEFAULT_MAX_SOURCE_PIXELS);
    }

    public ImageToI420(int width, int height, long maxSourcePixels) {
        if (width <= 0 || height <= 0 || maxSourcePixels <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + width + "x" + height + ", max "
                    + maxSourcePixels);
        }
        this.width = width;
        this.height = height;
        this.maxSourcePixels = maxSourcePixels;
        this.picture = I420Picture.packed(width, height, arena.allocate(I420Picture.packedSize(width, height), 64));
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.rgb = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
    }

    /** The converted picture: valid until the next conversion, and while this converter is open. */
    public I420Picture picture() {
        return picture;
    }

    /** Decodes an image file's bytes (PNG, or another format ImageIO reads) and converts it. */
    public ImageStatus convertPng(byte[] encoded) {
        ensureOpen();
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return ImageStatus.UNREADABLE;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxSourcePixels) {
                    return ImageStatus.TOO_LARGE;
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers signal corrupt input with IOException and assorted runtime exceptions
            return ImageStatus.UNREADABLE;
        }
        convert(image);
        return ImageStatus.CONVERTED;
    }

    /** Converts a decoded image: scaled to fit, centred on black, BT.601 limited range. */
    public I420Picture convert(BufferedImage image) {
        ensureOpen();
        // Always through the canvas: one blit handles scaling, letterboxing, alpha and every image type and layout.
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            double scale = Math.min((double) width / image.getWidth(), (double) height / image.getHeight());
            int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
            int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
            if (w != width || h != height) {
                g.setColor(Color.BLACK);
                g.fillRect(0, 0, width, height);
            }
            // transparent pixels are composed over black
            g.drawImage(image, (width - w) / 2, (height - h) / 2, w, h, Color.BLACK, null);
        } finally {
            g.dispose();
        }
        YuvRgb.rgbToI420(rgb, width, height, picture);
        return picture;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("converter is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
