"""Near-duplicate photos: the same photo at another size or crop (or the
other view of a stereo pair), found by ORB key points that match under a
similarity transform (RANSAC)."""
import numpy as np


def _orb(rgb, side=512, n=1000):
    """ORB key points of a ``side``-px greyscale copy, and the scale used."""
    import cv2
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    s = side / max(grey.shape)
    grey = cv2.resize(grey, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    kps, desc = cv2.ORB_create(nfeatures=n).detectAndCompute(grey, None)
    pts = np.float32([k.pt for k in kps]) / s if kps else np.zeros((0, 2))
    return pts, desc


def same_scene(a, b, min_inliers=40):
    """Whether two ORB descriptions (:func:`_orb`) show the same photo under
    a similarity transform (resize, crop, shift): RANSAC inliers among
    ratio-tested matches."""
    import cv2
    (pa, da), (pb, db) = a, b
    if da is None or db is None or len(da) < 2 or len(db) < 2:
        return False
    matches = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(da, db, k=2)
    good = [m[0] for m in matches
            if len(m) == 2 and m[0].distance < 0.75 * m[1].distance]
    best = {}  # one-to-one: the best match of each key point of b
    for m in good:
        if m.trainIdx not in best or m.distance < best[m.trainIdx].distance:
            best[m.trainIdx] = m
    good = list(best.values())
    if len(good) < min_inliers:
        return False
    src = pa[[m.queryIdx for m in good]]
    dst = pb[[m.trainIdx for m in good]]
    tf, inl = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0)
    if tf is None or inl is None:
        return False
    scale = float(np.hypot(tf[0, 0], tf[1, 0]))  # a degenerate fit is ~0
    return 0.2 < scale < 5 and int(inl.sum()) >= min_inliers


def group_duplicates(images, min_inliers=40):
    """Groups of near-duplicate images (indices), each sorted largest first.

    Args:
        images (list[ndarray]): ``[H, W, 3]`` uint8 RGB.

    Returns:
        list[list[int]]: every index in exactly one group.
    """
    descs = [_orb(im) for im in images]
    parent = list(range(len(images)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            if root(i) != root(j) and same_scene(descs[i], descs[j],
                                                 min_inliers):
                parent[root(j)] = root(i)
    groups = {}
    for i in range(len(images)):
        groups.setdefault(root(i), []).append(i)
    size = [im.shape[0] * im.shape[1] for im in images]
    return [sorted(g, key=lambda i: -size[i]) for g in groups.values()]
