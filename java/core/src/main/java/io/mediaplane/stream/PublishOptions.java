package io.mediaplane.stream;

/**
 * @param takeOver if the key is live, end the current publication and replace its publisher (for a broadcaster
 *                 that reconnects before the old session timed out) instead of failing with
 *                 {@link StreamAlreadyPublishedException}
 */
public record PublishOptions(boolean takeOver) {
    public static final PublishOptions EXCLUSIVE = new PublishOptions(false);
    public static final PublishOptions TAKE_OVER = new PublishOptions(true);
}
