// The idproof Android library (AAR). Open this folder in Android Studio, or run ./gradlew from it
// (create the wrapper once: `gradle wrapper --gradle-version 8.14.3`).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "idproof-android"
